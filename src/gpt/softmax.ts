// Softmax over the last axis (attention's weights), one kernel each way on the cpu backend.
import * as tf from "@tinygpt/tf";
import {onCpu, output, valuesOf} from "./cpuMemory.js";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";

/**
 * exp(x − max) / Σ exp(x − max) along the last axis. (..., S) → (..., S). Elsewhere it is tf.softmax. On the cpu
 * backend tf.softmax and its gradient are 5 and 4 kernels, each broadcast working out every element's place from its
 * coordinates (60 ms forward for a baby model's (16, 4, 64, 64) scores); here each way is one pass per row.
 */
export function softmax<T extends tf.Tensor>(x: T): T {
  return (onCpu(x) ? rows(x) : tf.softmax(x)) as T;
}

/** y = softmax(x); ∂x = y·(∂y − Σ ∂y·y) along each row. */
const rows = tf.customGrad((x, save) => {
  const y = runOwnKernel("cpu", "TinyGPTSoftmax", forward, {x: x as tf.Tensor}) as tf.Tensor;
  (save as tf.GradSaveFunc)([y]);
  return {value: y, gradFunc: (dy, [y]) => runOwnKernel("cpu", "TinyGPTSoftmaxGrad", backward, {dy, y}) as tf.Tensor};
});

function forward({inputs, backend}: KernelArgs): tf.TensorInfo {
  const {x} = inputs as {x: tf.TensorInfo};
  const [X] = valuesOf(backend, [x]);
  const S = x.shape[x.shape.length - 1];
  const Y = new Float32Array(X.length);
  for (let o = 0; o < X.length; o += S) {
    let max = -Infinity;
    for (let j = o; j < o + S; j++) max = Math.max(max, X[j]);
    let sum = 0;
    for (let j = o; j < o + S; j++) sum += Y[j] = Math.exp(X[j] - max);
    for (let j = o; j < o + S; j++) Y[j] /= sum;
  }
  return output(backend, x.shape, Y);
}

function backward({inputs, backend}: KernelArgs): tf.TensorInfo {
  const {dy, y} = inputs as Record<"dy" | "y", tf.TensorInfo>;
  const [DY, Y] = valuesOf(backend, [dy, y]);
  const S = y.shape[y.shape.length - 1];
  const DX = new Float32Array(Y.length);
  for (let o = 0; o < Y.length; o += S) {
    let dot = 0;
    for (let j = o; j < o + S; j++) dot += DY[j] * Y[j];
    for (let j = o; j < o + S; j++) DX[j] = Y[j] * (DY[j] - dot);
  }
  return output(backend, y.shape, DX);
}
