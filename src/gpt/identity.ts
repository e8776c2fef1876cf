// The wasm backend's Identity without its copy: TF.js clones every tensor a gradient keeps for the backward pass.
import * as tf from "@tinygpt/tf";

/**
 * Makes the wasm backend's Identity share its input's memory, as the backend's Reshape does, instead of copying it.
 * TF.js runs Identity (tf.clone) on every tensor a gradient saves for the backward pass: about 290 copies, 100 MB, in
 * one baby training step. No kernel writes into a tensor's memory once made, so a shared buffer reads exactly as a
 * copy would; the backend frees it with the last tensor on it (its reference count). Other backends already share.
 */
export function shareIdentity(): void {
  const kernel = tf.getKernel("Identity", "wasm");
  if (!kernel || kernel.kernelFunc === sharing) return;
  copying = kernel.kernelFunc;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({...kernel, kernelFunc: sharing});
}

let copying: tf.KernelFunc | null = null; // the backend's own Identity, kept for string tensors

const sharing: tf.KernelFunc = (args) => {
  const {x} = args.inputs as {x: tf.TensorInfo};
  if (x.dtype === "string") return copying!(args);
  (args.backend as {incRef(dataId: object): void}).incRef(x.dataId);
  return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
};
