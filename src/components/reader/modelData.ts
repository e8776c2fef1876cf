// What the chapters draw: one traced forward pass of the reader's model, read back into plain arrays (batch of 1).
// Tensors live only inside these functions; pages and views get numbers.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "../../gpt/config.js";
import {disposeParams, initParams, type Params} from "../../gpt/params.js";
import {disposeTrace, forwardTraced} from "../../gpt/model.js";
import {MASKED, causalMask} from "../../gpt/attention.js";
import {sinusoidalPositions} from "../../gpt/layers.js";
import {readAtOnce} from "../../gpt/readback.js";
import {onCallingThread} from "../../gpt/threads.js";
import {toConfig, type ModelSizes, type ReaderModel} from "./readerModel.js";
import {readerContext, trainedContext, type Context} from "./context.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";
import {expose} from "../page/testHooks.js";

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

/** The trained model a page shows instead of the reader's fresh one, in words. */
export interface TrainedInfo {
  label: string; // "shakespeare · shipped · 4 layers × 128, trained on …"
  addition: boolean;
  unknown: string | null; // the reader's text's first character outside its vocabulary (a passage is shown instead)
}

export interface ModelData {
  config: GPTConfig;
  causal: boolean;
  trained: TrainedInfo | null; // null: the reader's fresh model
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

export interface RunOptions {
  causal?: boolean;
  /** A trained model to run instead of the reader's fresh one (weightsChoice.ts). */
  trained?: TrainedModel | null;
}

/** The weights a run uses and what they read: the reader's model and its text, or a trained model's context. */
export function sourceOf(model: ReaderModel, trained: TrainedModel | null = null): {params: Params; context: Context} {
  if (!trained) return {params: paramsOf(model), context: readerContext(model)};
  return {params: trained.params, context: trainedContext(trained, model.text)};
}

/**
 * What a run of the model will show before any number is computed: its config, its context and the trained model in
 * words. It does not depend on the seed, so cells that draw only sizes and labels read it (modelSizes) and a new seed
 * leaves them alone.
 */
export function shapeOf(sizes: ModelSizes, trained: TrainedModel | null = null) {
  const config = trained ? trained.params.config : toConfig(sizes);
  const context = trained ? trainedContext(trained, sizes.text) : readerContext(sizes);
  return {config, context, tokens: context.tokens, trained: trainedInfo(trained, context)};
}

/** What a page says about the trained model it shows; null for the reader's fresh model. */
export const trainedInfo = (trained: TrainedModel | null, context: Context): TrainedInfo | null =>
  trained && {label: trained.label, addition: trained.addition, unknown: context.unknown};

/** The weights (made for a new seed), the traced forward pass and copies of the weights a run reads back. */
function traceRun(model: ReaderModel, causal: boolean, trained: TrainedModel | null) {
  const {params, context} = sourceOf(model, trained);
  const {config} = params;
  const T = context.ids.length;
  const idx = tf.tensor2d([context.ids], [1, T], "int32");
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
  return {params, context, trace, weights};
}

/**
 * One traced forward pass over the context, every intermediate read back; leaks nothing. The reader's fresh model by
 * default, or the trained one given.
 */
export async function runModel(
  model: ReaderModel,
  {causal = true, trained = null}: RunOptions = {}
): Promise<ModelData> {
  const start = performance.now();
  const {params, context, trace, weights} = onCallingThread(() => traceRun(model, causal, trained));
  const {config} = params;
  const {tokenizer, tokens, ids} = context;
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
      ...{config, causal, trained: trainedInfo(trained, context), tokens, ids, vocab: [...tokenizer.vocab]},
      ...{wte: w.wte, wpe: w.wpe[0] ?? null, sinusoids: w.sinusoids},
      ...{tokEmb: t.tokEmb[0], posEmb: t.posEmb, emb: t.emb[0], mask: unmask(w.mask)},
      ...{layers, lnF: t.lnF ? t.lnF[0] : null}
    };
  } finally {
    disposeTrace(trace);
    tf.dispose([weights.wte, ...weights.wpe, weights.sinusoids, weights.mask, ...weights.cAttn, ...weights.cProj]);
    recordRun(start);
  }
}

/** Counts a page's forward pass for the tests and the bench (TestHooks: runs, lastRunMs, memory). */
export function recordRun(start: number): void {
  const g = globalThis as {__tinygpt?: {runs?: number}};
  expose("runs", (g.__tinygpt?.runs ?? 0) + 1);
  expose("lastRunMs", performance.now() - start);
  expose("memory", tf.memory());
}
