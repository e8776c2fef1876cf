// The small pieces every block is built from: linear, LayerNorm, activations, embeddings, dropout.
// None of them tidies: call them inside tf.tidy (model.ts does).
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import type {LayerNormParams, LinearParams, Params} from "./params.js";
import {onCpu} from "./cpuMemory.js";
import {geluRows, geluRowsGrad} from "./geluKernel.js";
import {layerNormRows, layerNormRowsGrad} from "./layerNormKernel.js";
import {matMul} from "./matMul.js";
import {onSimd} from "./simd.js";
import {columnSums, transpose2d} from "./transpose.js";

/** Receives each named intermediate of a forward pass; the traced forward keeps them, the plain one passes none. */
export type Recorder = (name: string, t: tf.Tensor) => void;

/** Dropout as the forward pass sees it: the identity unless training. */
export type Dropout = <T extends tf.Tensor>(x: T) => T;

/**
 * Replaces the residual stream x_l (after the embeddings, l = 0, and after block l, l = 1…nLayer) and then the head's
 * input (l = nLayer + 1: ln_f's output, or x_nLayer without a final norm) by what it returns: adding a zero variable
 * there lets a gradient be taken with respect to the stream itself.
 */
export type Probe = (l: number, x: tf.Tensor3D) => tf.Tensor3D;

/** Dropout at a rate given with each call (a LoRA adapter's own), the identity unless training. */
export type RateDropout = <T extends tf.Tensor>(x: T, rate: number) => T;

/** What a forward pass threads through every layer besides the weights. */
export interface Ctx {
  drop: Dropout;
  dropAt?: RateDropout; // an adapter's input dropout (none: no dropout there)
  record?: Recorder;
  probe?: Probe;
  causal?: boolean; // false drops attention's causal mask (to show the leak it prevents); default true
  kv?: KVSlot; // incremental decoding: this layer's cached keys and values (model.ts sets one per block)
}

/** One attention layer's keys and values for the positions seen so far: what the KV cache keeps. */
export interface KV {
  k: tf.Tensor4D; // (B, nh, T, hs)
  v: tf.Tensor4D; // (B, nh, T, hs)
}

/** Attention reads the keys and values of earlier positions from past and leaves past + its own in next. */
export interface KVSlot {
  past: KV | null;
  next?: KV;
}

/** Evaluation: no dropout, nothing recorded. */
export const EVAL: Ctx = {drop: (x) => x};

/** Records t under name (when recording) and returns it, so a call can wrap an expression. */
export const tap =
  (ctx: Ctx) =>
  <T extends tf.Tensor>(name: string, t: T): T => {
    ctx.record?.(name, t);
    return t;
  };

/**
 * Dropout with probability rate, active only when training. With a seed, the k-th call of this function
 * draws its mask from the stream (seed, k): the same seed replays the same masks.
 */
export function makeDropout(rate: number, training: boolean, seed?: number): Dropout {
  if (!training || rate === 0) return (x) => x;
  let calls = 0;
  return <T extends tf.Tensor>(x: T) =>
    tf.dropout(x, rate, undefined, seed === undefined ? undefined : `${seed}:${calls++}`) as T;
}

/** makeDropout for a rate chosen per call; seeded, its masks come from a stream of their own, (seed, "rate", k). */
export function makeRateDropout(training: boolean, seed?: number): RateDropout {
  if (!training) return (x) => x;
  let calls = 0;
  return <T extends tf.Tensor>(x: T, rate: number) =>
    rate === 0 ? x : (tf.dropout(x, rate, undefined, seed === undefined ? undefined : `${seed}:rate:${calls++}`) as T);
}

/**
 * a @ b for 2-D tensors. Its gradient dy @ bᵀ transposes b (a weight, small) explicitly; aᵀ @ dy (weightGrad)
 * transposes activations explicitly only on wasm, whose fast matmul (XNNPACK) takes no transposed operand (10–20×
 * slower with one). Elsewhere the transposeA flag is the faster way: a transpose of a (N, in) activation is a copy of
 * it, and on WebGPU (SwiftShader) a slow one. The transposes on wasm and cpu are transpose2d's blocked copy.
 */
export const matMul2d = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor2D, b as tf.Tensor2D]);
  return {
    value: matMul(a as tf.Tensor2D, b as tf.Tensor2D), // (N, in) x (in, out) -> (N, out)
    gradFunc: (dy, [a, b]) => [
      matMul(dy, transpose2d(b as tf.Tensor2D)), // dy @ bᵀ: (N, out) x (out, in) -> (N, in)
      weightGrad(a as tf.Tensor2D, dy as tf.Tensor2D) // aᵀ @ dy: (in, out)
    ]
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * A Linear's weight gradient aᵀ @ dy: (N, in), (N, out) -> (in, out). On wasm, whose fast product takes no transposed
 * operand, as (dyᵀ @ a)ᵀ where in < out: XNNPACK runs the product with more rows faster, by more than the larger
 * transpose costs (a baby step 3–8 ms faster, idle A/B). Elsewhere the transposeA flag.
 */
function weightGrad(a: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== "wasm") return matMul(a, dy, true, false); // (in, out)
  if (a.shape[1] >= dy.shape[1]) return matMul(transpose2d(a), dy); // (in, N) x (N, out) -> (in, out)
  return transpose2d(matMul(transpose2d(dy), a)); // ((out, N) x (N, in))ᵀ -> (in, out)
}

/**
 * x @ W + b over the last axis; any leading dims are flattened into one 2-D matmul. With a LoRA adapter on,
 * scale · (dropout(x) @ A) @ B is added. (..., in) → (..., out)
 */
export function linear<T extends tf.Tensor>(x: T, p: LinearParams, ctx: Ctx = EVAL): T {
  const [nIn, nOut] = p.weight.shape;
  const x2 = tf.reshape(x, [-1, nIn]) as tf.Tensor2D; // (N, in)
  let y = matMul2d(x2, p.weight as tf.Tensor2D); // (N, in) x (in, out) -> (N, out)
  if (p.lora?.on) {
    const {a, b, scale, dropout} = p.lora;
    const down = matMul2d(ctx.dropAt?.(x2, dropout) ?? x2, a as tf.Tensor2D); // (N, in) x (in, r) -> (N, r)
    y = tf.add(y, tf.mul(matMul2d(down, b as tf.Tensor2D), scale)); // (N, r) x (r, out) -> (N, out)
  }
  return tf.reshape(p.bias ? addBias(y, p.bias as tf.Tensor1D) : y, [...x.shape.slice(0, -1), nOut]) as T; // (..., out)
}

/** y + b on every row; b's gradient is the sum of dy's rows (columnSums: on wasm without the backend's slow copy). */
const addBias = tf.customGrad((y, b) => ({
  value: tf.add(y as tf.Tensor2D, b as tf.Tensor1D), // (N, out)
  gradFunc: (dy) => [tf.clone(dy), columnSums(dy as tf.Tensor2D)] // (N, out), (out)
})) as (y: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * Normalises the last axis to mean 0, variance 1 (biased variance, as PyTorch), then scales and shifts.
 * The gradient is written out (autodiff through tf.moments launches about 57 kernels backward, this 17; on cpu
 * each way is one kernel, layerNormKernel.ts):
 *   x̂ = (x − μ)·r, r = 1/√(σ² + ε):  ∂x = r·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)), ∂x̂ = ∂y·γ,  ∂γ = Σ ∂y·x̂,  ∂β = Σ ∂y
 */
export function layerNorm<T extends tf.Tensor>(x: T, p: LayerNormParams, eps: number): T {
  const fused = onCpu(x) || onSimd(x); // one kernel each way (layerNormKernel.ts)
  const normalise = (x: tf.Tensor, gamma: tf.Tensor, save: tf.GradSaveFunc) => {
    if (fused) {
      const [y, xHat, r] = layerNormRows(x, gamma, eps); // (..., C), (..., C), (..., 1)
      save([xHat, r, gamma]);
      return y;
    }
    const xc = tf.sub(x, tf.mean(x, -1, true)); // (..., C)
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // (..., 1)
    const xHat = tf.mul(xc, r); // (..., C)
    save([xHat, r, gamma]);
    return tf.mul(xHat, gamma);
  };
  const grads = (dy: tf.Tensor, [xHat, r, gamma]: tf.Tensor[]) => {
    if (fused) {
      const [dx, dGamma, dBeta] = layerNormRowsGrad(dy, xHat, r, gamma); // (..., C), (C), (C)
      return {dx, dGamma, dBeta: () => dBeta};
    }
    const C = gamma.size;
    const dxHat = tf.mul(dy, gamma);
    const centred = tf.sub(dxHat, tf.mean(dxHat, -1, true));
    const dx = tf.mul(r, tf.sub(centred, tf.mul(xHat, tf.mean(tf.mul(dxHat, xHat), -1, true))));
    return {
      dx,
      dGamma: columnSums(tf.reshape(tf.mul(dy, xHat), [-1, C]) as tf.Tensor2D), // (C)
      dBeta: () => columnSums(tf.reshape(dy, [-1, C]) as tf.Tensor2D) // (C)
    };
  };
  if (!p.bias) {
    const op = tf.customGrad((x, gamma, save) => ({
      value: normalise(x as tf.Tensor, gamma as tf.Tensor, save as tf.GradSaveFunc),
      gradFunc: (dy, saved) => {
        const {dx, dGamma} = grads(dy, saved);
        return [dx, dGamma];
      }
    }));
    return op(x, p.weight) as T;
  }
  const op = tf.customGrad((x, gamma, beta, save) => ({
    value: tf.add(normalise(x as tf.Tensor, gamma as tf.Tensor, save as tf.GradSaveFunc), beta as tf.Tensor),
    gradFunc: (dy, saved) => {
      const {dx, dGamma, dBeta} = grads(dy, saved);
      return [dx, dGamma, dBeta()];
    }
  }));
  return op(x, p.weight, p.bias) as T;
}

/**
 * Exact GELU: x · Φ(x) = 0.5 · x · (1 + erf(x / √2)). Its gradient is written out, Φ(x) + x·φ(x) with
 * φ(x) = exp(−x²/2)/√(2π) (9 kernels; autodiff through erf launches 27; on cpu each way is one kernel, geluKernel.ts).
 */
export const gelu = <T extends tf.Tensor>(x: T): T => geluOp(x) as T;

const geluOp = tf.customGrad((x, save) => {
  const fused = onCpu(x as tf.Tensor) || onSimd(x as tf.Tensor); // one kernel each way (geluKernel.ts)
  const [y, e] = fused ? geluRows(x as tf.Tensor) : geluOps(x as tf.Tensor);
  (save as tf.GradSaveFunc)([x as tf.Tensor, e]);
  return {
    value: y,
    gradFunc: (dy, [x, e]) => {
      if (fused) return geluRowsGrad(dy, x, e);
      const cdf = tf.mul(tf.add(e, 1), 0.5); // Φ(x)
      const pdf = tf.mul(expNonPositive(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI)); // φ(x)
      return tf.mul(dy, tf.add(cdf, tf.mul(x, pdf)));
    }
  };
});

/** [0.5·x·(1 + e), e] with e = erf(x/√2). */
function geluOps(x: tf.Tensor): tf.Tensor[] {
  const e = tf.erf(tf.mul(x, Math.SQRT1_2));
  return [tf.mul(tf.mul(x, 0.5), tf.add(1, e)), e];
}

/**
 * eˣ for x ≤ 0. On wasm as elu(x) + 1 (elu(x) = eˣ − 1 for x ≤ 0): XNNPACK's elu is vectorised, the backend's exp
 * is not (3× slower on a GELU's input). The two differ by at most half a float's step at 1 (6e-8).
 */
function expNonPositive(x: tf.Tensor): tf.Tensor {
  return tf.getBackend() === "wasm" ? tf.add(tf.elu(x), 1) : tf.exp(x);
}

/** GPT-2's tanh approximation of GELU: 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))). */
export const geluTanh = <T extends tf.Tensor>(x: T): T => {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(x, tf.square(x)), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
};

export const relu = <T extends tf.Tensor>(x: T): T => tf.relu(x);

export const ACTIVATIONS: Readonly<Record<GPTConfig["activation"], <T extends tf.Tensor>(x: T) => T>> = {
  gelu,
  gelu_tanh: geluTanh,
  relu
};

/**
 * Vaswani et al.'s fixed positions: PE[pos, 2i] = sin(pos / 10000^(2i/C)), PE[pos, 2i+1] = cos(same),
 * for pos = start … start + T - 1. (T, C)
 */
export function sinusoidalPositions(T: number, C: number, start = 0): tf.Tensor2D {
  const pe = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < C; j++) {
      const angle = (start + t) / Math.pow(10000, (2 * Math.floor(j / 2)) / C);
      pe[t * C + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(pe, [T, C]);
}

/**
 * Token embedding plus position embedding, recorded as tokEmb, posEmb and emb. The tokens sit at positions
 * start … start + T - 1 (start > 0 when earlier positions are in a KV cache). (B, T) → (B, T, C)
 */
export function embed(params: Params, idx: tf.Tensor2D, ctx: Ctx = EVAL, start = 0): tf.Tensor3D {
  const r = tap(ctx);
  const [B, T] = idx.shape;
  const [V, C] = params.wte.shape;
  // Row idx of wte, as a one-hot matmul: its gradient needs no scatter kernel, which wasm lacks.
  const oneHot = tf.cast(tf.oneHot(tf.reshape(idx, [-1]), V), "float32") as tf.Tensor2D; // (B·T, V)
  const rows = matMul2d(oneHot, params.wte as tf.Tensor2D); // (B·T, V) x (V, C) -> (B·T, C)
  const tokEmb = r("tokEmb", tf.reshape(rows, [B, T, C])); // (B, T, C)
  const pos = params.wpe ? tf.slice(params.wpe, [start, 0], [T, C]) : sinusoidalPositions(T, C, start); // (T, C)
  const posEmb = r("posEmb", pos as tf.Tensor2D); // (T, C)
  return r("emb", tf.add(tokEmb, posEmb)); // (B, T, C)
}
