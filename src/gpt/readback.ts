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

/**
 * Many float32 tensors in one transfer: flattened and joined on the device, read back once, split here. On WebGPU
 * each read-back waits for the device, so one read instead of fifty saves most of a redraw.
 */
export async function readAll(ts: tf.Tensor[]): Promise<Float32Array[]> {
  const joined = tf.tidy(() => tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
  try {
    const all = await toFlat(joined);
    let offset = 0;
    return ts.map((t) => all.subarray(offset, (offset += t.size)));
  } finally {
    joined.dispose();
  }
}

/** readTensors with a single transfer (readAll) for float32 tensors: the same structure, the same nested arrays. */
export async function readAtOnce<T>(container: T): Promise<Read<T>> {
  const tensors: tf.Tensor[] = [];
  const collect = (x: unknown): void => {
    if (x instanceof tf.Tensor) tensors.push(x);
    else if (x && typeof x === "object") Object.values(x).forEach(collect);
  };
  collect(container);
  const flats = await readAll(tensors);
  const nest = (flat: Float32Array, shape: number[]): unknown => {
    if (shape.length === 0) return flat[0];
    if (shape.length === 1) return Array.from(flat);
    const inner = shape.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({length: shape[0]}, (_, i) => nest(flat.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
  };
  const values = new Map(tensors.map((t, i) => [t, nest(flats[i], t.shape)]));
  const rebuild = (x: unknown): unknown => {
    if (x instanceof tf.Tensor) return values.get(x);
    if (Array.isArray(x)) return x.map(rebuild);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rebuild(v)]));
    return x;
  };
  return rebuild(container) as Read<T>;
}
