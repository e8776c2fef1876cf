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

/**
 * Float32Array views over the backend's memory, one per tensor. Make them after the last makeOutput: a new output
 * may grow the memory, and a view made before it would then read the old buffer.
 */
export function views(be: WasmBackend, tensors: readonly tf.TensorInfo[]): Float32Array[] {
  const heap = be.wasm.HEAPU8.buffer;
  return tensors.map((t) => new Float32Array(heap, be.dataIdMap.get(t.dataId).memoryOffset, size(t.shape)));
}

/** Each tensor's byte offset in the backend's memory: how the SIMD kernels (simd.ts) are handed a tensor. */
export const offsets = (be: WasmBackend, tensors: readonly tf.TensorInfo[]): number[] =>
  tensors.map((t) => be.dataIdMap.get(t.dataId).memoryOffset);
