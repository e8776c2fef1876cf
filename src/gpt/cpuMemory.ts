// What the cpu backend's own kernels (matMul, layerNormKernel, geluKernel, softmax, arrayKernel's) reach into:
// tfjs-backend-cpu 4.22's tensors' values (plain typed arrays) and how it makes a tensor from values.
import * as tf from "@tinygpt/tf";

/** The parts of the cpu backend a kernel written here uses. */
interface CpuBackend {
  data: {get(dataId: object): {values: Float32Array}};
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
}

/** The values of float32 tensors on the cpu backend: the backend's own arrays, to read, never to write. */
export const valuesOf = (backend: unknown, tensors: readonly tf.TensorInfo[]): Float32Array[] =>
  tensors.map((t) => (backend as CpuBackend).data.get(t.dataId).values);

/** A new float32 tensor of the given shape holding values (which it keeps). */
export const output = (backend: unknown, shape: number[], values: Float32Array): tf.TensorInfo =>
  (backend as CpuBackend).makeTensorInfo(shape, "float32", values);

/** Whether x can go to a kernel written here: on the cpu backend, float32. */
export const onCpu = (...xs: tf.Tensor[]): boolean =>
  tf.getBackend() === "cpu" && xs.every((x) => x.dtype === "float32");
