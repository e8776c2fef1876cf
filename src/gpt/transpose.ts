// Transposes as copies of our own on the wasm and cpu backends, and column sums without a transpose.
import * as tf from "@tinygpt/tf";
import {onArrays, runArrayKernel, type ArrayKernel} from "./arrayKernel.js";
import {onCpu} from "./cpuMemory.js";
import {onSimd, requireSimd, simdKernels} from "./simd.js";
import {size} from "./wasmMemory.js";

/**
 * xᵀ for a 2-D x: (R, C) -> (C, R). Elsewhere it is tf.transpose. The wasm backend's Transpose walks the input row by
 * row and writes the output a whole column apart each time, which on a (1024, 512) activation costs 4–5 ms, as much
 * as the product it feeds; this kernel copies 4 × 4 blocks, four reads from each of four rows at a time (1–2 ms).
 * The cpu backend's works out every element's place from its coordinates; the same copy runs there.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (!onArrays(x)) return tf.transpose(x);
  if (!tf.getGradient(TRANSPOSE.name))
    tf.registerGradient({kernelName: TRANSPOSE.name, gradFunc: (dy) => ({x: () => transpose2d(dy as tf.Tensor2D)})});
  return runArrayKernel(TRANSPOSE, {x})[0] as tf.Tensor2D; // (C, R)
}

/**
 * x with its axes in the order perm, which keeps the last axis last (attention's (B, T, nh, hs) ↔ (B, nh, T, hs)).
 * Elsewhere it is tf.transpose. On cpu, whose Transpose works out every element's place from its coordinates
 * (7 ms for a baby model's q), this kernel copies whole rows of the last axis.
 */
export function transposeRows<T extends tf.Tensor>(x: T, perm: number[]): T {
  if (!onCpu(x) || perm[x.rank - 1] !== x.rank - 1) return tf.transpose(x, perm);
  if (!tf.getGradient(ROWS.name))
    tf.registerGradient({
      kernelName: ROWS.name,
      gradFunc: (dy, _, attrs) => {
        const {perm} = attrs as unknown as {perm: number[]};
        const inverse = perm.map((_, i) => perm.indexOf(i));
        return {x: () => transposeRows(dy as tf.Tensor, inverse)};
      }
    });
  return runArrayKernel(ROWS, {x}, {perm})[0] as T; // (x.shape[perm[0]], …, x.shape[perm[r − 1]])
}

/**
 * The sum of each column of a 2-D x: (R, C) -> (C). On wasm a sum over the first axis transposes with the slow copy
 * first: there it is one pass of the SIMD kernels (rows added in order), or without them a product with a row of
 * ones, which XNNPACK runs (faster than transpose2d and a row sum).
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getBackend() !== "wasm") return tf.sum(x, 0); // (C)
  if (onSimd(x)) return runArrayKernel(COLUMN_SUMS, {x})[0] as tf.Tensor1D; // (C)
  const [R, C] = x.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, R]), x), [C])); // (1, R) x (R, C) -> (C)
}

/** On wasm with its SIMD kernels: the rows of x added in order (simd/kernels.c: columnSums). */
const COLUMN_SUMS: ArrayKernel = {
  name: "TinyGPTColumnSums",
  shapes: ([[, C]]) => [[C]],
  body: ([x], [out], [[R, C]]) => requireSimd().columnSums(x.byteOffset, out.byteOffset, R, C)
};

/** On wasm with its SIMD kernels (where the arrays are views of the backend's memory) a 4 × 4 block goes by lanes. */
const TRANSPOSE: ArrayKernel = {
  name: "TinyGPTTranspose2D",
  shapes: ([[R, C]]) => [[C, R]],
  body: ([src], [dst], [[R, C]]) => {
    const simd = R % 4 === 0 && C % 4 === 0 ? simdKernels() : null;
    if (simd) simd.transpose2d(src.byteOffset, dst.byteOffset, R, C);
    else copyTransposed(src, dst, R, C);
  }
};

/**
 * dst (C, R) = src (R, C) transposed, a block of four rows by four columns at a time (four reads from each of four
 * rows, four writes to each of four rows); the rows and columns past a multiple of four one by one.
 */
// prettier-ignore
function copyTransposed(src: Float32Array, dst: Float32Array, R: number, C: number) {
  const [R4, C4] = [R - (R % 4), C - (C % 4)];
  for (let i = 0; i < R4; i += 4) {
    const [a, b, c, d] = [i * C, (i + 1) * C, (i + 2) * C, (i + 3) * C];
    for (let j = 0; j < C4; j += 4) {
      let o = j * R + i;
      dst[o] = src[a + j]; dst[o + 1] = src[b + j]; dst[o + 2] = src[c + j]; dst[o + 3] = src[d + j]; o += R;
      dst[o] = src[a + j + 1]; dst[o + 1] = src[b + j + 1]; dst[o + 2] = src[c + j + 1]; dst[o + 3] = src[d + j + 1]; o += R;
      dst[o] = src[a + j + 2]; dst[o + 1] = src[b + j + 2]; dst[o + 2] = src[c + j + 2]; dst[o + 3] = src[d + j + 2]; o += R;
      dst[o] = src[a + j + 3]; dst[o + 1] = src[b + j + 3]; dst[o + 2] = src[c + j + 3]; dst[o + 3] = src[d + j + 3];
    }
  }
  for (let i = 0; i < R; i++) for (let j = i < R4 ? C4 : 0; j < C; j++) dst[j * R + i] = src[i * C + j];
}

/** Rows of the last axis copied whole, in the output's order: the input's place of each kept in step (an odometer). */
const ROWS: ArrayKernel = {
  name: "TinyGPTTransposeRows",
  shapes: ([shape], {perm}) => [(perm as number[]).map((i) => shape[i])],
  body: ([src], [dst], [from], {perm}) => copyRows(src, dst, from, perm as number[])
};

function copyRows(src: Float32Array, dst: Float32Array, from: number[], perm: number[]) {
  const r = from.length;
  const L = from[r - 1];
  const shape = perm.map((i) => from[i]);
  const strides = from.map((_, i) => size(from.slice(i + 1)));
  const step = perm.slice(0, -1).map((i) => strides[i]); // the input's step for each output axis but the last
  const at = new Array<number>(r - 1).fill(0); // the output coordinates of the row being copied
  for (let o = 0, s = 0; o < dst.length; o += L) {
    for (let k = 0; k < L; k++) dst[o + k] = src[s + k];
    for (let axis = r - 2; axis >= 0; axis--) {
      s += step[axis];
      if (++at[axis] < shape[axis]) break;
      s -= step[axis] * shape[axis];
      at[axis] = 0;
    }
  }
}
