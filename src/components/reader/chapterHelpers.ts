// The chapters' small demonstrations, computed with the model's own code (seeded, so each view is reproducible), and
// the summaries they draw from a run of the reader's model. Tensors live only inside these functions.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "../../gpt/config.js";
import {seededNormal} from "../../gpt/random.js";
import {ACTIVATIONS, makeDropout} from "../../gpt/layers.js";
import {MASKED, causalMask} from "../../gpt/attention.js";
import {readTensors} from "../../gpt/readback.js";
import {onCallingThread} from "../../gpt/threads.js";
import type {Matrix, ModelData} from "./modelData.js";
import {PROMPT_LENGTH} from "../../gpt/data/addition.js";

/**
 * Why attention divides by √hs: for a query and T keys with unit-variance entries (seeded), the raw dot products,
 * the scaled ones, and the softmax of each.
 */
export async function scaleDemo(hs: number, T: number, seed: number) {
  const q = seededNormal(seed, "scale-demo.q", hs, 1);
  const k = seededNormal(seed, "scale-demo.k", T * hs, 1);
  const out = onCallingThread(() =>
    tf.tidy(() => {
      const raw = tf.reshape(tf.matMul(tf.tensor2d(k, [T, hs]), tf.tensor2d(q, [hs, 1])), [T]); // (T, hs) x (hs, 1) -> (T)
      const scaled = tf.mul(raw, 1 / Math.sqrt(hs));
      return {raw, scaled, softRaw: tf.softmax(raw), softScaled: tf.softmax(scaled)};
    })
  );
  try {
    return (await readTensors(out)) as {raw: number[]; scaled: number[]; softRaw: number[]; softScaled: number[]};
  } finally {
    tf.dispose(Object.values(out));
  }
}

/**
 * The additive mask a run of T positions uses, as the model makes it (gpt/attention.ts): 0 where a query may read a
 * key, −∞ where it may not; all 0 without the causal mask. It depends on T alone, not on the weights.
 */
export async function maskRows(T: number, causal: boolean): Promise<Matrix> {
  const mask = onCallingThread(() => (causal ? causalMask(T) : tf.zeros<tf.Rank.R2>([T, T])));
  try {
    return ((await mask.array()) as Matrix).map((row) => row.map((v) => (v <= MASKED / 2 ? -Infinity : v)));
  } finally {
    mask.dispose();
  }
}

/** Every activation the model offers, evaluated at xs with the model's own code. */
export async function activationCurves(xs: readonly number[]): Promise<Record<GPTConfig["activation"], number[]>> {
  const out = onCallingThread(() =>
    tf.tidy(() => {
      const x = tf.tensor1d(xs as number[]);
      return Object.fromEntries(Object.entries(ACTIVATIONS).map(([name, f]) => [name, f(x)]));
    })
  );
  try {
    return (await readTensors(out)) as Record<GPTConfig["activation"], number[]>;
  } finally {
    tf.dispose(Object.values(out));
  }
}

/** A matrix through the model's dropout: in training, a seeded mask zeroes a fraction rate and rescales the rest. */
export async function dropoutDemo(m: Matrix, rate: number, training: boolean, seed: number): Promise<Matrix> {
  const out = onCallingThread(() => tf.tidy(() => makeDropout(rate, training, seed)(tf.tensor2d(m))));
  try {
    return (await out.array()) as Matrix;
  } finally {
    out.dispose();
  }
}

/** How far attention rows are from summing to 1, and the total weight on keys after their query (0 under the mask). */
export function attentionStats(att: readonly Matrix[]): {maxRowError: number; future: number} {
  let maxRowError = 0;
  let future = 0;
  for (const m of att) {
    m.forEach((row, i) => {
      maxRowError = Math.max(maxRowError, Math.abs(row.reduce((a, b) => a + b, 0) - 1));
      for (let j = i + 1; j < row.length; j++) future += row[j];
    });
  }
  return {maxRowError, future};
}

/** Root mean square of each row: the typical size of each position's vector. */
export const rowRms = (m: Matrix): number[] =>
  m.map((row) => Math.sqrt(row.reduce((a, v) => a + v * v, 0) / Math.max(1, row.length)));

/** The residual stream at every stage of the model: the embeddings, then after each sublayer of each block. */
export function streamStages(data: ModelData): {title: string; matrix: Matrix}[] {
  return [
    {title: "embeddings", matrix: data.emb},
    ...data.layers.flatMap((l, i) => [
      {title: `block ${i} · after attention`, matrix: data.config.norm === "pre" ? l.resid1 : l.ln1},
      {title: `block ${i} · after MLP`, matrix: l.out}
    ])
  ];
}

/** Root mean square of all of a matrix's numbers: the typical size of one entry. */
export const rms = (m: Matrix): number => {
  const n = m.reduce((a, row) => a + row.length, 0);
  return Math.sqrt(m.reduce((a, row) => a + row.reduce((b, v) => b + v * v, 0), 0) / Math.max(1, n));
};

/** Cosine similarity of every pair of rows (1 on the diagonal; 0 for a row of zeros). */
export function cosineSimilarity(m: Matrix): Matrix {
  const norms = m.map((row) => Math.hypot(...row));
  return m.map((a, i) =>
    m.map((b, j) => (norms[i] && norms[j] ? a.reduce((s, v, k) => s + v * b[k], 0) / (norms[i] * norms[j]) : 0))
  );
}

/** The k rows most similar to row i, most similar first (ties: lower index). */
export function nearest(similarity: Matrix, i: number, k: number): {index: number; similarity: number}[] {
  return similarity[i]
    .map((s, index) => ({index, similarity: s}))
    .filter((r) => r.index !== i)
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
    .slice(0, k);
}

/**
 * What each head's rows do on average, over the rows that have a previous token: the weight on the previous token,
 * on the token itself, and on the row's favourite key (its peak), beside the peak a uniform row would have; and the
 * sharpest head (largest peak) and the head that reads the previous token most.
 */
export function headStats(att: readonly Matrix[]) {
  const T = att[0]?.length ?? 0;
  const rows = Array.from({length: Math.max(0, T - 1)}, (_, r) => r + 1);
  const mean = (f: (i: number) => number) => rows.reduce((a, i) => a + f(i), 0) / Math.max(1, rows.length);
  const heads = att.map((m, head) => ({
    head,
    previous: mean((i) => m[i][i - 1]),
    self: mean((i) => m[i][i]),
    peak: mean((i) => Math.max(...m[i].slice(0, i + 1)))
  }));
  const most = (f: (h: (typeof heads)[number]) => number) => heads.reduce((a, b) => (f(b) > f(a) ? b : a));
  return {
    heads,
    uniformPeak: mean((i) => 1 / (i + 1)),
    sharpest: most((h) => h.peak),
    previous: most((h) => h.previous)
  };
}

/**
 * How an addition model's heads read the sum "ABC+DEF=…": the rows from "=" on write the answer, units first, so row
 * PROMPT_LENGTH − 1 + k adds the k-th digits from the right, at positions 2 − k and 6 − k (k = 0, 1, 2). For each
 * head, the mean weight those rows put on their pair of digits (best: the head that puts the most), beside what
 * uniform rows would put there.
 */
export function additionReads(att: readonly Matrix[]) {
  const rows = [0, 1, 2].map((k) => ({row: PROMPT_LENGTH - 1 + k, keys: [2 - k, 6 - k]}));
  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  const heads = att.map((m, head) => ({head, pair: mean(({row, keys}) => m[row][keys[0]] + m[row][keys[1]])}));
  const best = heads.reduce((a, b) => (b.pair > a.pair ? b : a));
  return {rows, heads, best, uniform: mean(({row}) => 2 / (row + 1))};
}
