// What the wasm backend's own kernels (transpose, split, adamwKernel, batchMatMul) reach into:
// tfjs-backend-wasm 4.22's BackendWasm, its tensors' places in the module's memory, and kernel registration.
import * as tf from "@tinygpt/tf";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";

export type {KernelArgs} from "./ownKernel.js";

/** The parts of the wasm backend a kernel written in JS uses. */
export interface WasmBackend {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset: number}};
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/**
 * Float32Array views over the backend's memory, one per tensor. Make them after the last makeOutput: a new output
 * may grow the memory, and a view made before it would then read the old buffer.
 */
export function views(be: WasmBackend, tensors: readonly tf.TensorInfo[]): Float32Array[] {
  const heap = be.wasm.HEAPU8.buffer;
  return tensors.map((t) => new Float32Array(heap, be.dataIdMap.get(t.dataId).memoryOffset, size(t.shape)));
}

/** Registers kernelFunc as the wasm kernel name (once) and runs it on inputs. */
export const runWasmKernel = (
  name: string,
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {}
): tf.Tensor | tf.Tensor[] => runOwnKernel("wasm", name, kernelFunc, inputs, attrs);
