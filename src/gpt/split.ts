// Splitting the last axis into equal parts (attention's q, k, v) without the wasm and cpu backends' extra copies.
import * as tf from "@tinygpt/tf";
import {onArrays, runArrayKernel, type ArrayKernel} from "./arrayKernel.js";

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
  if (!onArrays(x)) return tf.split(x, n, -1) as T[];
  if (!tf.getGradient(SPLIT.name))
    tf.registerGradient({kernelName: SPLIT.name, gradFunc: (dys) => ({x: () => tf.concat(dys as tf.Tensor[], -1)})});
  return runArrayKernel(SPLIT, {x}, {n}) as T[]; // n × (..., C)
}

/** Row r's p-th part of x (rows of width values) to row r of the p-th output. */
const SPLIT: ArrayKernel = {
  name: "TinyGPTSplitLast",
  shapes: ([shape], {n}) => {
    const parts = n as number;
    return Array.from({length: parts}, () => [...shape.slice(0, -1), shape[shape.length - 1] / parts]);
  },
  body: ([src], dsts, [shape]) => {
    const width = shape[shape.length - 1];
    const C = width / dsts.length;
    const rows = src.length / width;
    dsts.forEach((dst, p) => {
      for (let r = 0; r < rows; r++) dst.set(src.subarray(r * width + p * C, r * width + (p + 1) * C), r * C);
    });
  }
};
