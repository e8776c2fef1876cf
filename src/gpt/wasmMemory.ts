// What the wasm backend's own kernels (adamwKernel, batchMatMul, arrayKernel's) reach into:
// tfjs-backend-wasm 4.22's BackendWasm and its tensors' places in the module's memory.
import * as tf from "@tinygpt/tf";

/** The parts of the wasm backend a kernel written in JS uses. */
export interface WasmBackend {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset: number}};
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/** Each tensor's byte offset in the backend's memory (where its values start). */
export const offsets = (be: WasmBackend, tensors: readonly tf.TensorInfo[]): number[] =>
  tensors.map((t) => be.dataIdMap.get(t.dataId).memoryOffset);

/**
 * Float32Array views over the backend's memory, one per tensor. Make them after the last makeOutput: a new output
 * may grow the memory, and a view made before it would then read the old buffer.
 */
export function views(be: WasmBackend, tensors: readonly tf.TensorInfo[]): Float32Array[] {
  const heap = be.wasm.HEAPU8.buffer;
  return offsets(be, tensors).map((at, i) => new Float32Array(heap, at, size(tensors[i].shape)));
}
