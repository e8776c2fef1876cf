// Splitting the last axis into equal parts (attention's q, k, v) without the wasm backend's extra copies.
import * as tf from "@tinygpt/tf";
import {runWasmKernel, size, views, type KernelArgs, type WasmBackend} from "./wasmMemory.js";

/**
 * x cut into n equal parts along its last axis: (..., n·C) -> n × (..., C). Elsewhere it is tf.split. The wasm
 * backend's split copies the whole of x out of its memory once per part before slicing it (2.6 ms for a baby
 * model's q, k, v); this kernel copies each row's parts straight across (about 0.3 ms). Its gradient is the concat.
 */
export function splitLast<T extends tf.Tensor>(x: T, n: number): T[] {
  const C = x.shape[x.rank - 1] / n;
  if (!Number.isInteger(C)) throw new Error(`splitLast: ${x.shape[x.rank - 1]} does not divide into ${n} parts`);
  if (tf.getBackend() !== "wasm" || x.dtype !== "float32") return tf.split(x, n, -1) as T[];
  if (!tf.getGradient(KERNEL))
    tf.registerGradient({kernelName: KERNEL, gradFunc: (dys) => ({x: () => tf.concat(dys as tf.Tensor[], -1)})});
  return runWasmKernel(KERNEL, kernelFunc, {x}, {n}) as T[]; // n × (..., C)
}

const KERNEL = "TinyGPTSplitLast";

function kernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackend;
  const {x} = inputs as {x: tf.TensorInfo};
  const {n} = attrs as {n: number};
  const width = x.shape[x.shape.length - 1];
  const C = width / n;
  const rows = size(x.shape) / width;
  const outs = Array.from({length: n}, () => be.makeOutput([...x.shape.slice(0, -1), C], "float32"));
  const [src, ...dsts] = views(be, [x, ...outs]);
  dsts.forEach((dst, p) => {
    for (let r = 0; r < rows; r++) dst.set(src.subarray(r * width + p * C, r * width + (p + 1) * C), r * C);
  });
  return outs;
}
