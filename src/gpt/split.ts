// Splitting the last axis into equal parts (attention's q, k, v) without the wasm and cpu backends' extra copies.
import * as tf from "@tinygpt/tf";
import {onCpu, output, runCpuKernel, valuesOf} from "./cpuMemory.js";
import {runWasmKernel, views, type KernelArgs, type WasmBackend} from "./wasmMemory.js";

/**
 * x cut into n equal parts along its last axis: (..., n·C) -> n × (..., C). Elsewhere it is tf.split. The wasm
 * backend's split copies the whole of x out of its memory once per part before slicing it (2.6 ms for a baby
 * model's q, k, v); this kernel copies each row's parts straight across (about 0.3 ms). The cpu backend's slices
 * work out every element's place from its coordinates (42 ms for the same split), this kernel there as well.
 * Its gradient is the concat.
 */
export function splitLast<T extends tf.Tensor>(x: T, n: number): T[] {
  const C = x.shape[x.rank - 1] / n;
  if (!Number.isInteger(C)) throw new Error(`splitLast: ${x.shape[x.rank - 1]} does not divide into ${n} parts`);
  const wasm = tf.getBackend() === "wasm" && x.dtype === "float32";
  if (!wasm && !onCpu(x)) return tf.split(x, n, -1) as T[];
  if (!tf.getGradient(KERNEL))
    tf.registerGradient({kernelName: KERNEL, gradFunc: (dys) => ({x: () => tf.concat(dys as tf.Tensor[], -1)})});
  return (wasm ? runWasmKernel(KERNEL, kernelFunc, {x}, {n}) : runCpuKernel(KERNEL, cpuKernelFunc, {x}, {n})) as T[]; // n × (..., C)
}

const KERNEL = "TinyGPTSplitLast";

function kernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackend;
  const {x} = inputs as {x: tf.TensorInfo};
  const {n} = attrs as {n: number};
  const width = x.shape[x.shape.length - 1];
  const C = width / n;
  const outs = Array.from({length: n}, () => be.makeOutput([...x.shape.slice(0, -1), C], "float32"));
  const [src, ...dsts] = views(be, [x, ...outs]);
  cut(src, dsts, width);
  return outs;
}

function cpuKernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo[] {
  const {x} = inputs as {x: tf.TensorInfo};
  const {n} = attrs as {n: number};
  const width = x.shape[x.shape.length - 1];
  const [src] = valuesOf(backend, [x]);
  const dsts = Array.from({length: n}, () => new Float32Array(src.length / n));
  cut(src, dsts, width);
  return dsts.map((dst) => output(backend, [...x.shape.slice(0, -1), width / n], dst));
}

/** Row r's p-th part of src (rows of width values) to row r of dsts[p]. */
function cut(src: Float32Array, dsts: Float32Array[], width: number) {
  const C = width / dsts.length;
  const rows = src.length / width;
  dsts.forEach((dst, p) => {
    for (let r = 0; r < rows; r++) dst.set(src.subarray(r * width + p * C, r * width + (p + 1) * C), r * C);
  });
}
