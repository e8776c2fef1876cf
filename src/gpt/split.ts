// Splitting the last axis into equal parts (attention's q, k, v) without the wasm backend's extra copies.
import * as tf from "@tinygpt/tf";

/**
 * x cut into n equal parts along its last axis: (..., n·C) -> n × (..., C). Elsewhere it is tf.split. The wasm
 * backend's split copies the whole of x out of its memory once per part before slicing it (2.6 ms for a baby
 * model's q, k, v); this kernel copies each row's parts straight across (about 0.3 ms). Its gradient is the concat.
 */
export function splitLast<T extends tf.Tensor>(x: T, n: number): T[] {
  const C = x.shape[x.rank - 1] / n;
  if (!Number.isInteger(C)) throw new Error(`splitLast: ${x.shape[x.rank - 1]} does not divide into ${n} parts`);
  if (tf.getBackend() !== "wasm" || x.dtype !== "float32") return tf.split(x, n, -1) as T[];
  if (!tf.getKernel(KERNEL, "wasm")) {
    tf.registerKernel({kernelName: KERNEL, backendName: "wasm", kernelFunc});
    tf.registerGradient({kernelName: KERNEL, gradFunc: (dys) => ({x: () => tf.concat(dys as tf.Tensor[], -1)})});
  }
  return tf.engine().runKernel(KERNEL, {x}, {n}) as unknown as T[]; // n × (..., C)
}

const KERNEL = "TinyGPTSplitLast";

/** What of the wasm backend the kernel reaches into (tfjs-backend-wasm 4.22: BackendWasm). */
interface WasmBackend {
  wasm: {HEAPU8: Uint8Array};
  dataIdMap: {get(dataId: object): {memoryOffset: number}};
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

function kernelFunc({inputs, backend, attrs}: {inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown}) {
  const be = backend as WasmBackend;
  const {x} = inputs as {x: tf.TensorInfo};
  const {n} = attrs as {n: number};
  const width = x.shape[x.shape.length - 1];
  const C = width / n;
  const rows = x.shape.slice(0, -1).reduce((a, d) => a * d, 1);
  const outs = Array.from({length: n}, () => be.makeOutput([...x.shape.slice(0, -1), C], "float32"));
  const heap = be.wasm.HEAPU8.buffer; // read after makeOutput, which may grow the memory
  const src = new Float32Array(heap, be.dataIdMap.get(x.dataId).memoryOffset, rows * width);
  outs.forEach((out, p) => {
    const dst = new Float32Array(heap, be.dataIdMap.get(out.dataId).memoryOffset, rows * C);
    for (let r = 0; r < rows; r++) dst.set(src.subarray(r * width + p * C, r * width + (p + 1) * C), r * C);
  });
  return outs;
}
