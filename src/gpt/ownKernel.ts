// Kernels of the course's own: what TF.js hands one, and registering and running one on a backend.
import * as tf from "@tinygpt/tf";

/** What TF.js hands a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

/** Registers kernelFunc as the kernel name on backendName (once) and runs it on inputs. */
export function runOwnKernel(
  backendName: "wasm" | "cpu" | "webgl",
  name: string,
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {}
): tf.Tensor | tf.Tensor[] {
  if (!tf.getKernel(name, backendName)) tf.registerKernel({kernelName: name, backendName, kernelFunc});
  return tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
}
