// What the chapters draw: one traced forward pass of the reader's model, read back into plain arrays (batch of 1).
// Tensors live only inside these functions; pages and views get numbers.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "../gpt/config.js";
import {disposeParams, initParams, type Params} from "../gpt/params.js";
import {seededNormal} from "../gpt/random.js";
import {disposeTrace, forwardTraced} from "../gpt/model.js";
import {MASKED, causalMask} from "../gpt/attention.js";
import {ACTIVATIONS, makeDropout, sinusoidalPositions} from "../gpt/layers.js";
import {readTensors, toArray, type Read} from "../gpt/readback.js";
import {contextOf, toConfig, type ReaderModel} from "./readerModel.js";
import {expose} from "./testHooks.js";

export type Matrix = number[][];

/** One block's intermediates for the single sequence; per-head tensors are lists of (T, ·) matrices. */
export interface LayerData {
  ln1: Matrix; // (T, C)
  q: Matrix[]; // nh × (T, hs)
  k: Matrix[];
  v: Matrix[];
  scores: Matrix[]; // nh × (T, T), already divided by √hs
  masked: Matrix[]; // nh × (T, T), −∞ where the mask blocks
  att: Matrix[]; // nh × (T, T)
  heads: Matrix[]; // nh × (T, hs)
  concat: Matrix; // (T, C): the heads side by side
  attnOut: Matrix; // (T, C)
  resid1: Matrix;
  ln2: Matrix;
  mlpHidden: Matrix; // (T, dFF)
  mlpAct: Matrix; // (T, dFF)
  mlpOut: Matrix; // (T, C)
  resid2: Matrix;
  out: Matrix;
  cAttn: Matrix; // (C, 3C) the fused q, k, v weight
  cProj: Matrix; // (C, C)
}

export interface ModelData {
  config: GPTConfig;
  causal: boolean;
  tokens: string[]; // the context: the text's first T characters
  ids: number[];
  vocab: string[];
  wte: Matrix; // (V, C)
  wpe: Matrix | null; // (blockSize, C); null for sinusoidal positions
  sinusoids: Matrix; // (blockSize, C), whichever kind the model uses
  tokEmb: Matrix; // (T, C)
  posEmb: Matrix; // (T, C)
  emb: Matrix; // (T, C)
  mask: Matrix; // (T, T) the additive mask in use: 0 or −∞
  layers: LayerData[];
  lnF: Matrix | null;
}

interface Weights {
  wte: tf.Tensor2D;
  wpe: tf.Tensor2D[]; // none for sinusoidal positions
  sinusoids: tf.Tensor2D;
  mask: tf.Tensor2D;
  cAttn: tf.Tensor2D[];
  cProj: tf.Tensor2D[];
}

let cached: {key: string; params: Params} | null = null;

/** The reader's model's weights; the same object while its config and seed do not change (one set per page). */
export function paramsOf(model: ReaderModel): Params {
  const config = toConfig(model);
  const key = JSON.stringify([config, model.seed]);
  if (cached?.key !== key) {
    if (cached) disposeParams(cached.params);
    cached = {key, params: initParams(config, model.seed)};
  }
  return cached.params;
}

const unmask = (m: Matrix): Matrix => m.map((row) => row.map((v) => (v <= MASKED / 2 ? -Infinity : v)));
const transpose = (m: Matrix): Matrix => (m[0] ?? []).map((_, j) => m.map((row) => row[j]));

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
async function readAtOnce<T>(container: T): Promise<Read<T>> {
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

/** One traced forward pass of the reader's model over its context, every intermediate read back; leaks nothing. */
export async function runModel(model: ReaderModel, {causal = true}: {causal?: boolean} = {}): Promise<ModelData> {
  const start = performance.now();
  const params = paramsOf(model);
  const {config} = params;
  const {tokenizer, tokens, ids} = contextOf(model);
  const T = ids.length;
  const idx = tf.tensor2d([ids], [1, T], "int32");
  const {trace} = forwardTraced(params, idx, {causal, checkIds: false});
  // Copies of the weights, so a newer run may replace the cached params while this one still reads.
  const weights: Weights = tf.tidy(() => {
    const w: Weights = {
      wte: tf.clone(params.wte) as tf.Tensor2D,
      wpe: params.wpe ? [tf.clone(params.wpe) as tf.Tensor2D] : [],
      sinusoids: sinusoidalPositions(config.blockSize, config.nEmbd),
      mask: causal ? causalMask(T) : tf.zeros<tf.Rank.R2>([T, T]),
      cAttn: params.h.map((b) => tf.clone(b.attn.cAttn.weight) as tf.Tensor2D),
      cProj: params.h.map((b) => tf.clone(b.attn.cProj.weight) as tf.Tensor2D)
    };
    return w as unknown as tf.TensorContainerObject;
  }) as unknown as Weights;
  idx.dispose();
  try {
    const {t, w} = await readAtOnce({t: trace, w: weights});
    const layers = t.h.map((h, i): LayerData => {
      const one = (x: number[][][]) => x[0];
      const att = h.att[0];
      return {
        ...{ln1: one(h.ln1), q: h.q[0], k: h.k[0], v: h.v[0], scores: h.scores[0], masked: h.masked[0].map(unmask)},
        ...{att, heads: h.heads[0], concat: transpose(h.heads[0].flatMap(transpose))},
        ...{attnOut: one(h.attnOut), resid1: one(h.resid1), ln2: one(h.ln2), mlpHidden: one(h.mlpHidden)},
        ...{mlpAct: one(h.mlpAct), mlpOut: one(h.mlpOut), resid2: one(h.resid2), out: one(h.out)},
        cAttn: w.cAttn[i],
        cProj: w.cProj[i]
      };
    });
    return {
      ...{config, causal, tokens, ids, vocab: [...tokenizer.vocab]},
      ...{wte: w.wte, wpe: w.wpe[0] ?? null, sinusoids: w.sinusoids},
      ...{tokEmb: t.tokEmb[0], posEmb: t.posEmb, emb: t.emb[0], mask: unmask(w.mask)},
      ...{layers, lnF: t.lnF ? t.lnF[0] : null}
    };
  } finally {
    disposeTrace(trace);
    tf.dispose([weights.wte, ...weights.wpe, weights.sinusoids, weights.mask, ...weights.cAttn, ...weights.cProj]);
    const g = globalThis as {__tinygpt?: {runs?: number}};
    expose("runs", (g.__tinygpt?.runs ?? 0) + 1);
    expose("lastRunMs", performance.now() - start);
    expose("memory", tf.memory());
  }
}

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
