// The one bridge from tensors to the plain arrays that views take. Nothing here disposes a tensor.
import * as tf from "@tinygpt/tf";
import type {Trace} from "./model.js";

/** The nested-array type of a tensor of rank R. */
export type ArrayOf<R extends tf.Rank> = R extends tf.Rank.R0
  ? number
  : R extends tf.Rank.R1
    ? number[]
    : R extends tf.Rank.R2
      ? number[][]
      : R extends tf.Rank.R3
        ? number[][][]
        : R extends tf.Rank.R4
          ? number[][][][]
          : unknown[];

/** Every tensor of a container (object, array, null) replaced by its values; the same structure otherwise. */
export type Read<T> =
  T extends tf.Tensor<infer R>
    ? ArrayOf<R>
    : T extends null
      ? null
      : T extends readonly (infer E)[]
        ? Read<E>[]
        : {[K in keyof T]: Read<T[K]>};

/** The values of t as nested arrays (a number for a scalar). */
export async function toArray<R extends tf.Rank>(t: tf.Tensor<R>): Promise<ArrayOf<R>> {
  return (await t.array()) as ArrayOf<R>;
}

/** A 2-D tensor's values as rows; throws for any other rank. */
export async function toMatrix(t: tf.Tensor): Promise<number[][]> {
  if (t.rank !== 2) throw new Error(`toMatrix needs a 2-D tensor, got shape [${t.shape}]`);
  return (await t.array()) as number[][];
}

/** The single value of a one-element tensor (a loss, say). */
export async function toNumber(t: tf.Tensor): Promise<number> {
  if (t.size !== 1) throw new Error(`toNumber needs a one-element tensor, got shape [${t.shape}]`);
  return (await t.data())[0];
}

/** A float32 tensor's values, flat in row-major order (for large tensors, where nested arrays cost too much). */
export async function toFlat(t: tf.Tensor): Promise<Float32Array> {
  if (t.dtype !== "float32") throw new Error(`toFlat needs a float32 tensor, got ${t.dtype}`);
  return (await t.data()) as Float32Array;
}

/** Reads every tensor in a container at once, keeping its structure. */
export async function readTensors<T>(container: T): Promise<Read<T>> {
  if (container instanceof tf.Tensor) return (await container.array()) as Read<T>;
  if (container === null || typeof container !== "object") return container as Read<T>;
  if (Array.isArray(container)) return (await Promise.all(container.map(readTensors))) as Read<T>;
  const entries = await Promise.all(Object.entries(container).map(async ([k, v]) => [k, await readTensors(v)]));
  return Object.fromEntries(entries) as Read<T>;
}

/** A trace as nested arrays, e.g. (await readTrace(trace)).h[0].att[b][head] is a (T, T) matrix. */
export const readTrace = (trace: Trace): Promise<Read<Trace>> => readTensors(trace);
