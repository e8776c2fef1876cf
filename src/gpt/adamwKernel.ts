// AdamW's update of one weight as a single kernel on the wasm backend (optim.ts writes the same update in TF.js ops).
import * as tf from "@tinygpt/tf";

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
 * two agree to a few float steps. A weight's update otherwise costs those 9–11 kernels, each a call and a pass over the weight:
 * about 530 of a baby step's 1,450.
 */
export function updateWeight(
  p: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  factors: tf.Tensor1D,
  decays: boolean
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (!tf.getKernel(KERNEL, "wasm")) tf.registerKernel({kernelName: KERNEL, backendName: "wasm", kernelFunc});
  return tf.engine().runKernel(KERNEL, {p, m, v, g, factors}, {decays}) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

const KERNEL = "TinyGPTAdamW";

/** What of the wasm backend the kernel reaches into (tfjs-backend-wasm 4.22: BackendWasm). */
interface WasmBackend {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset: number}};
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

function kernelFunc({inputs, backend, attrs}: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown}) {
  const be = backend as WasmBackend;
  const {p, m, v, g, factors} = inputs as Record<"p" | "m" | "v" | "g" | "factors", tf.TensorInfo>;
  const {decays} = attrs as {decays: boolean};
  const n = p.shape.reduce((a, d) => a * d, 1);
  const outs = [p, m, v].map((t) => be.makeOutput(t.shape, "float32"));
  const heap = be.wasm.HEAPU8.buffer; // read after makeOutput, which may grow the memory
  const view = (t: tf.TensorInfo, size: number) =>
    new Float32Array(heap, be.dataIdMap.get(t.dataId).memoryOffset, size);
  const [P, M, V, G] = [p, m, v, g].map((t) => view(t, n));
  const [P1, M1, V1] = outs.map((t) => view(t, n));
  const [b1, c1, b2, c2, step, decay, eps, ok] = view(factors, FACTORS.length);
  if (ok === 0) {
    P1.set(P);
    M1.set(M);
    V1.set(V);
    return outs;
  }
  const keep = decays ? decay : 1;
  for (let i = 0; i < n; i++) {
    const gi = G[i];
    const mi = Math.fround(b1 * M[i] + c1 * gi); // the m' and v' kept are the ones p' is computed from
    const vi = Math.fround(b2 * V[i] + c2 * gi * gi);
    M1[i] = mi;
    V1[i] = vi;
    P1[i] = P[i] * keep + (step * mi) / (Math.sqrt(vi) + eps);
  }
  return outs;
}
