// Shared test utilities: the CPU backend, leak checks, seeded random tensors, comparisons.
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/** Runs fn and asserts it left the number of live tensors unchanged. */
export async function noLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  return out;
}

/**
 * Runs fn on wasm, then on cpu (fresh tensors from the same seeds each time), each checked for leaks, and returns what
 * it read back on each; the backend active before is active again after.
 */
export async function onWasmAndCpu<T>(fn: () => Promise<T>): Promise<{wasm: T; cpu: T}> {
  const before = tf.getBackend();
  await tf.setBackend("wasm");
  const wasm = await noLeak(fn);
  await tf.setBackend("cpu");
  const cpu = await noLeak(fn);
  await tf.setBackend(before);
  return {wasm, cpu};
}

/** Each tensor's values, read back as a plain array. */
export const readAll = (ts: readonly tf.Tensor[]): Promise<number[][]> =>
  Promise.all(ts.map(async (t) => Array.from(await t.data())));

/** mulberry32: seeded uniform numbers in [0, 1), independent of the code under test. */
export function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n normal(0, std) samples (Box–Muller). */
export function randn(seed: number, n: number, std = 1): number[] {
  const u = uniform(seed);
  return Array.from({length: n}, () => std * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

export const randomTensor = (shape: number[], seed: number, std = 1): tf.Tensor =>
  tf.tensor(
    randn(
      seed,
      shape.reduce((a, b) => a * b, 1),
      std
    ),
    shape
  );

/** Integer ids in [0, n) as an int32 tensor of the given shape. */
export function randomIds(shape: [number, number], n: number, seed: number): tf.Tensor2D {
  const u = uniform(seed);
  return tf.tensor2d(
    Array.from({length: shape[0] * shape[1]}, () => Math.floor(u() * n)),
    shape,
    "int32"
  );
}

type Nested = number | Nested[];
export const flat = (a: Nested): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a]);

export function maxAbsDiff(a: Nested, b: Nested): number {
  const x = flat(a);
  const y = flat(b);
  assert.equal(x.length, y.length, "sizes differ");
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

export function assertClose(actual: Nested, expected: Nested, tol: number, what = "values"): void {
  const d = maxAbsDiff(actual, expected);
  assert.ok(d < tol, `${what}: max abs diff ${d} ≥ ${tol}`);
}

/** Replaces a variable's values with normal(0, std) ones (fresh weights are too small to make attention peaky). */
export function randomise(v: tf.Variable, seed: number, std: number): void {
  tf.tidy(() => v.assign(randomTensor(v.shape, seed, std)));
}

/**
 * op(a) @ op(b) in float64, batch element by batch element, from row-major values: a holds n matrices (M, K), or
 * (K, M) with transposeA; b holds n matrices (K, N), or (N, K) with transposeB.
 */
export function productF64(
  a: number[],
  b: number[],
  [n, M, K, N]: number[],
  transposeA = false,
  transposeB = false
): number[] {
  const out: number[] = [];
  for (let s = 0; s < n; s++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++)
          sum +=
            a[s * M * K + (transposeA ? k * M + i : i * K + k)] * b[s * K * N + (transposeB ? j * K + k : k * N + j)];
        out.push(sum);
      }
  return out;
}
