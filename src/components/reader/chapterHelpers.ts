// The chapters' small demonstrations, computed with the model's own code (seeded, so each view is reproducible), and
// the summaries they draw from a run of the reader's model. Tensors live only inside these functions.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "../../gpt/config.js";
import {seededNormal} from "../../gpt/random.js";
import {ACTIVATIONS, makeDropout} from "../../gpt/layers.js";
import {readTensors} from "../../gpt/readback.js";
import type {Matrix, ModelData} from "./modelData.js";

/**
 * Why attention divides by √hs: for a query and T keys with unit-variance entries (seeded), the raw dot products,
 * the scaled ones, and the softmax of each.
 */
export async function scaleDemo(hs: number, T: number, seed: number) {
  const q = seededNormal(seed, "scale-demo.q", hs, 1);
  const k = seededNormal(seed, "scale-demo.k", T * hs, 1);
  const out = tf.tidy(() => {
    const raw = tf.reshape(tf.matMul(tf.tensor2d(k, [T, hs]), tf.tensor2d(q, [hs, 1])), [T]); // (T, hs) x (hs, 1) -> (T)
    const scaled = tf.mul(raw, 1 / Math.sqrt(hs));
    return {raw, scaled, softRaw: tf.softmax(raw), softScaled: tf.softmax(scaled)};
  });
  try {
    return (await readTensors(out)) as {raw: number[]; scaled: number[]; softRaw: number[]; softScaled: number[]};
  } finally {
    tf.dispose(Object.values(out));
  }
}

/** Every activation the model offers, evaluated at xs with the model's own code. */
export async function activationCurves(xs: readonly number[]): Promise<Record<GPTConfig["activation"], number[]>> {
  const out = tf.tidy(() => {
    const x = tf.tensor1d(xs as number[]);
    return Object.fromEntries(Object.entries(ACTIVATIONS).map(([name, f]) => [name, f(x)]));
  });
  try {
    return (await readTensors(out)) as Record<GPTConfig["activation"], number[]>;
  } finally {
    tf.dispose(Object.values(out));
  }
}

/** A matrix through the model's dropout: in training, a seeded mask zeroes a fraction rate and rescales the rest. */
export async function dropoutDemo(m: Matrix, rate: number, training: boolean, seed: number): Promise<Matrix> {
  const out = tf.tidy(() => makeDropout(rate, training, seed)(tf.tensor2d(m)));
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
