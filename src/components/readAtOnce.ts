// Many tensors read back in one transfer, for components that read a whole trace or every weight at once.
import * as tf from "@tinygpt/tf";
import {toArray, toFlat, type Read} from "../gpt/readback.js";

/** Every tensor of a container, nested as it is; any other value kept. */
function tensorsIn(x: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (x instanceof tf.Tensor) out.push(x);
  else if (x && typeof x === "object") for (const v of Object.values(x)) tensorsIn(v, out);
  return out;
}

/**
 * readTensors with a single transfer: every tensor is flattened into one vector on the device, read back once and cut
 * up again. On WebGPU each read-back waits for the device, so one read instead of fifty saves most of a redraw.
 */
export async function readAtOnce<T>(container: T): Promise<Read<T>> {
  const tensors = tensorsIn(container);
  const packed = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1])))); // (Σ sizes)
  const flat = await toArray(packed as tf.Tensor1D);
  packed.dispose();
  let offset = 0;
  const nest = (shape: number[], d = 0): unknown => {
    if (shape.length === 0) return flat[offset++];
    if (d === shape.length - 1) return flat.slice(offset, (offset += shape[d]));
    return Array.from({length: shape[d]}, () => nest(shape, d + 1));
  };
  const values = new Map(tensors.map((t) => [t, nest(t.shape)]));
  const rebuild = (x: unknown): unknown => {
    if (x instanceof tf.Tensor) return values.get(x);
    if (Array.isArray(x)) return x.map(rebuild);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rebuild(v)]));
    return x;
  };
  return rebuild(container) as Read<T>;
}

/** Many float32 tensors in one transfer (flattened and joined on the device, split here): far fewer round trips. */
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
