// A kernel written once on plain arrays, run on the wasm backend's memory or on the cpu backend's arrays.
import * as tf from "@tinygpt/tf";
import {output, valuesOf} from "./cpuMemory.js";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";
import {size, views, type WasmBackend} from "./wasmMemory.js";

/**
 * What a kernel on arrays is: its name, its outputs' shapes from its inputs', and how it fills the outputs. On wasm
 * the arrays are views of the backend's memory, so a body may hand their byteOffsets to the SIMD kernels (simd.ts).
 */
export interface ArrayKernel {
  name: string;
  shapes(inputs: number[][], attrs: tf.NamedAttrMap): number[][];
  body(inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: tf.NamedAttrMap): void;
}

/** Whether an array kernel can run on xs here: on the wasm or the cpu backend, all float32. */
export const onArrays = (...xs: tf.Tensor[]): boolean =>
  ["wasm", "cpu"].includes(tf.getBackend()) && xs.every((x) => x.dtype === "float32");

/** Runs k on inputs (its arrays in the map's order) on the current backend, which onArrays allowed. */
export function runArrayKernel(k: ArrayKernel, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const wasm = tf.getBackend() === "wasm";
  const out = runOwnKernel(wasm ? "wasm" : "cpu", k.name, wasm ? onWasm(k) : onCpu(k), inputs, attrs);
  return Array.isArray(out) ? out : [out];
}

/** On wasm the outputs are made first, then every array is a view over the module's memory (which they may grow). */
const onWasm =
  (k: ArrayKernel) =>
  ({inputs, backend, attrs = {}}: KernelArgs): tf.TensorInfo[] => {
    const be = backend as WasmBackend;
    const ins = Object.values(inputs) as tf.TensorInfo[];
    const shapes = ins.map((t) => t.shape);
    const outs = k.shapes(shapes, attrs as tf.NamedAttrMap).map((s) => be.makeOutput(s, "float32"));
    const arrays = views(be, [...ins, ...outs]);
    k.body(arrays.slice(0, ins.length), arrays.slice(ins.length), shapes, attrs as tf.NamedAttrMap);
    return outs;
  };

/** On cpu the inputs are the backend's own arrays (read only) and the outputs new ones, handed to the backend. */
const onCpu =
  (k: ArrayKernel) =>
  ({inputs, backend, attrs = {}}: KernelArgs): tf.TensorInfo[] => {
    const ins = Object.values(inputs) as tf.TensorInfo[];
    const shapes = ins.map((t) => t.shape);
    const outShapes = k.shapes(shapes, attrs as tf.NamedAttrMap);
    const outs = outShapes.map((s) => new Float32Array(size(s)));
    k.body(valuesOf(backend, ins), outs, shapes, attrs as tf.NamedAttrMap);
    return outs.map((values, i) => output(backend, outShapes[i], values));
  };
