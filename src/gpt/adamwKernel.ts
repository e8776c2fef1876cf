// AdamW on the wasm backend: the update of one weight as a single kernel, and with the SIMD kernels the gradients' global
// norm that clipping reads (optim.ts writes both in TF.js ops).
import * as tf from "@tinygpt/tf";
import {runArrayKernel, type ArrayKernel} from "./arrayKernel.js";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";
import {requireSimd, simdKernels} from "./simd.js";
import {offsets, size, views, type WasmBackend} from "./wasmMemory.js";

/**
 * The factors of one update, as AdamW.apply computes them on the device (a guard may have gated them):
 * b1, c1 (m's), b2, c2 (v's), step (−lr·√(1 − β2ᵗ)/(1 − β1ᵗ)), decay (1 − lr·λ), eps (ε·√(1 − β2ᵗ)), ok (1, or 0
 * where the guard stopped the update: then g may be NaN and nothing changes).
 */
export const FACTORS = ["b1", "c1", "b2", "c2", "step", "decay", "eps", "ok"] as const;

/** Whether updateWeight runs here (the wasm backend); elsewhere AdamW applies the update in TF.js ops. */
export const fusedHere = (): boolean => tf.getBackend() === "wasm";

/**
 * [p', m', v'] from p, m, v, the gradient g and factors (a 1-D tensor in FACTORS' order), in one pass over the
 * weight: m' = b1·m + c1·g, v' = b2·v + c2·g², p' = p·decay + step·m' / (√v' + eps) (p·1 where decays is false).
 * In float64, m' and v' rounded to float32 and p' once: TF.js's ops round after each of their 9–11 kernels, so the
 * two agree to a few float steps. In ops a weight's update is those 9–11 kernels, each a call and a pass over the
 * weight: one kernel each instead takes a baby step from 1,469 kernels to 1,049. With the SIMD kernels (simd.ts) the
 * loop runs there, two values at a time in float64 (the same operations in the same order, so the same floats).
 */
export function updateWeight(
  p: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  factors: tf.Tensor1D,
  decays: boolean
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return runOwnKernel("wasm", KERNEL, kernelFunc, {p, m, v, g, factors}, {decays}) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

const KERNEL = "TinyGPTAdamW";

function kernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackend;
  const {p, m, v, g, factors} = inputs as Record<"p" | "m" | "v" | "g" | "factors", tf.TensorInfo>;
  const {decays} = attrs as {decays: boolean};
  const n = size(p.shape);
  const outs = [p, m, v].map((t) => be.makeOutput(t.shape, "float32"));
  const [P, M, V, G, F, P1, M1, V1] = views(be, [p, m, v, g, factors, ...outs]);
  const [b1, c1, b2, c2, step, decay, eps, ok] = F;
  if (ok === 0) {
    P1.set(P);
    M1.set(M);
    V1.set(V);
    return outs;
  }
  const keep = decays ? decay : 1;
  const simd = simdKernels();
  const even = n - (n % 2);
  if (simd) simd.adamw(...offsets(be, [p, m, v, g, ...outs]), even, b1, c1, b2, c2, step, keep, eps);
  for (let i = simd ? even : 0; i < n; i++) {
    const gi = G[i];
    const mi = Math.fround(b1 * M[i] + c1 * gi); // the m' and v' kept are the ones p' is computed from
    const vi = Math.fround(b2 * V[i] + c2 * gi * gi);
    M1[i] = mi;
    V1[i] = vi;
    P1[i] = P[i] * keep + (step * mi) / (Math.sqrt(vi) + eps);
  }
  return outs;
}

/**
 * √(Σ x²) over every value of every tensor, in one kernel with the SIMD kernels (a sum of squares in float64 per
 * tensor), against a concatenation, a square and a sum. (every tensor's last axis a multiple of 4) → ()
 */
export function norm(tensors: readonly tf.Tensor[]): tf.Scalar {
  const inputs = Object.fromEntries(tensors.map((t, i) => [`t${i}`, t]));
  return runArrayKernel(NORM, inputs)[0] as tf.Scalar;
}

const NORM: ArrayKernel = {
  name: "TinyGPTNorm",
  shapes: () => [[]],
  body: (tensors, [out]) => {
    const simd = requireSimd();
    out[0] = Math.sqrt(tensors.reduce((sum, t) => sum + simd.sumSquares(t.byteOffset, t.length), 0));
  }
};
