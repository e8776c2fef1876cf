// 2-D transposes that run as a blocked copy on the wasm backend, and column sums without a transpose.
import * as tf from "@tinygpt/tf";
import {runWasmKernel, views, type KernelArgs, type WasmBackend} from "./wasmMemory.js";

/**
 * xᵀ for a 2-D x: (R, C) -> (C, R). Elsewhere it is tf.transpose. The wasm backend's Transpose walks the input row by
 * row and writes the output a whole column apart each time, which on a (1024, 512) activation costs 4–5 ms, as much
 * as the product it feeds; this kernel copies strips of rows so that the reads stay in cache (1–2 ms).
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== "wasm" || x.dtype !== "float32") return tf.transpose(x);
  if (!tf.getGradient(KERNEL))
    tf.registerGradient({kernelName: KERNEL, gradFunc: (dy) => ({x: () => transpose2d(dy as tf.Tensor2D)})});
  return runWasmKernel(KERNEL, kernelFunc, {x}) as tf.Tensor2D; // (C, R)
}

/**
 * The sum of each column of a 2-D x: (R, C) -> (C). On wasm a sum over the first axis transposes with the slow copy
 * first, so there it is a product with a row of ones, which XNNPACK runs (faster than transpose2d and a row sum).
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getBackend() !== "wasm") return tf.sum(x, 0); // (C)
  const [R, C] = x.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.ones([1, R]), x), [C])); // (1, R) x (R, C) -> (C)
}

const KERNEL = "TinyGPTTranspose2D";

/** Rows copied per strip: 16 rows of the input stay in cache while their columns are written out. */
const STRIP = 16;

function kernelFunc({inputs, backend}: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackend;
  const {x} = inputs as {x: tf.TensorInfo};
  const [R, C] = x.shape;
  const out = be.makeOutput([C, R], "float32");
  const [src, dst] = views(be, [x, out]);
  for (let i0 = 0; i0 < R; i0 += STRIP) {
    const i1 = Math.min(i0 + STRIP, R);
    for (let j = 0; j < C; j++) {
      const row = j * R;
      for (let i = i0; i < i1; i++) dst[row + i] = src[i * C + j];
    }
  }
  return out;
}
