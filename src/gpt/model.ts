// The whole GPT: embeddings → blocks → final norm → head.
// forward keeps nothing; forwardTraced keeps every intermediate.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import type {Params} from "./params.js";
import {block} from "./block.js";
import {embed, layerNorm, linear, makeDropout, makeRateDropout, matMul2d, tap} from "./layers.js";
import type {Ctx, KV, KVSlot, Probe, Recorder} from "./layers.js";

export interface ForwardOptions {
  training?: boolean; // dropout on (default false)
  seed?: number; // dropout masks replay for the same seed; random without one
  checkIds?: boolean; // read idx back to check every id is in [0, vocabSize) (default true)
  causal?: boolean; // false removes the causal mask: position t then reads positions after t (default true)
  probe?: Probe; // sees (may replace) the stream after the embeddings and every block, then the head's input
}

/** One block's intermediates, as named by the code that makes them. */
export interface LayerTrace {
  ln1: tf.Tensor3D; // (B, T, C) pre-norm: attention's input; post-norm: the normalised resid1
  q: tf.Tensor4D; // (B, nh, T, hs)
  k: tf.Tensor4D; // (B, nh, T, hs)
  v: tf.Tensor4D; // (B, nh, T, hs)
  scores: tf.Tensor4D; // (B, nh, T, T) q·kᵀ/√hs
  masked: tf.Tensor4D; // (B, nh, T, T) scores + MASKED above the diagonal (scores itself when causal is false)
  att: tf.Tensor4D; // (B, nh, T, T) softmax of masked: rows sum to 1, future exactly 0 (before dropout)
  heads: tf.Tensor4D; // (B, nh, T, hs) att·v per head
  attnOut: tf.Tensor3D; // (B, T, C) heads merged, through c_proj
  resid1: tf.Tensor3D; // (B, T, C) x + attnOut
  ln2: tf.Tensor3D; // (B, T, C) pre-norm: the MLP's input; post-norm: the normalised resid2
  mlpHidden: tf.Tensor3D; // (B, T, dFF) c_fc output, before the activation
  mlpAct: tf.Tensor3D; // (B, T, dFF) after the activation
  mlpOut: tf.Tensor3D; // (B, T, C) through c_proj
  resid2: tf.Tensor3D; // (B, T, C) stream + mlpOut
  out: tf.Tensor3D; // (B, T, C) the block's output (pre-norm: resid2; post-norm: ln2)
}

export const LAYER_TRACE_KEYS: readonly (keyof LayerTrace)[] = [
  ...["ln1", "q", "k", "v", "scores", "masked", "att", "heads", "attnOut", "resid1"],
  ...["ln2", "mlpHidden", "mlpAct", "mlpOut", "resid2", "out"]
] as (keyof LayerTrace)[];

/** Every intermediate of one forward pass; the caller owns these tensors and frees them with disposeTrace. */
export interface Trace {
  tokEmb: tf.Tensor3D; // (B, T, C) rows of wte
  posEmb: tf.Tensor2D; // (T, C) rows of wpe, or sinusoids
  emb: tf.Tensor3D; // (B, T, C) tokEmb + posEmb: the stream entering block 0
  h: LayerTrace[]; // one per block
  lnF: tf.Tensor3D | null; // (B, T, C); null without a final norm
  logits: tf.Tensor3D; // (B, T, vocabSize)
}

/** Token ids (B, T) → logits (B, T, vocabSize). Every intermediate is freed. */
export function forward(params: Params, idx: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
  checkInput(params.config, idx, opts.checkIds ?? true);
  return tf.tidy(() => gpt(params, idx, {...dropouts(params.config, opts), causal: opts.causal, probe: opts.probe}));
}

/** The same pass as forward, keeping every intermediate in a Trace; logits is trace.logits. */
export function forwardTraced(
  params: Params,
  idx: tf.Tensor2D,
  opts: ForwardOptions = {}
): {logits: tf.Tensor3D; trace: Trace} {
  checkInput(params.config, idx, opts.checkIds ?? true);
  const kept = new Map<string, tf.Tensor>();
  const record: Recorder = (name, t) => void kept.set(name, tf.keep(t));
  let logits: tf.Tensor3D;
  try {
    logits = tf.tidy(() => gpt(params, idx, {...dropouts(params.config, opts), record, causal: opts.causal}));
  } catch (error) {
    tf.dispose([...kept.values()]);
    throw error;
  }
  const get = (name: string) => kept.get(name);
  const layer = (i: number) => Object.fromEntries(LAYER_TRACE_KEYS.map((key) => [key, get(`h.${i}.${key}`)]));
  const h = params.h.map((_, i) => layer(i) as unknown as LayerTrace);
  const trace = {tokEmb: get("tokEmb"), posEmb: get("posEmb"), emb: get("emb"), h, lnF: get("lnF") ?? null, logits};
  return {logits, trace: trace as Trace};
}

/**
 * The same pass over only the new tokens idx (B, T), which follow the Tp positions whose keys and values are in
 * past (one KV per block, (B, nh, Tp, hs) each; null when there are none). Returns the new tokens' logits
 * (B, T, vocabSize) and present: past + the new keys and values, (B, nh, Tp + T, hs). The caller owns both and
 * still owns past. Tp + T ≤ blockSize.
 */
export function forwardCached(
  params: Params,
  idx: tf.Tensor2D,
  past: KV[] | null,
  opts: ForwardOptions = {}
): {logits: tf.Tensor3D; present: KV[]} {
  const Tp = past ? past[0].k.shape[2] : 0;
  checkInput(params.config, idx, opts.checkIds ?? true, Tp);
  const cache: KVSlot[] = params.h.map((_, i) => ({past: past?.[i] ?? null}));
  const logits = tf.tidy(() => {
    const logits = gpt(params, idx, {...dropouts(params.config, opts), causal: opts.causal}, cache);
    for (const {next} of cache) [next!.k, next!.v].forEach((t) => tf.keep(t)); // they outlive this tidy
    return logits;
  });
  return {logits, present: cache.map(({next}) => next!)};
}

/** Frees every tensor of a trace, logits included. */
export function disposeTrace(trace: Trace): void {
  const {tokEmb, posEmb, emb, h, lnF, logits} = trace;
  tf.dispose([tokEmb, posEmb, emb, ...h.flatMap((layer) => Object.values(layer)), ...(lnF ? [lnF] : []), logits]);
}

function gpt(params: Params, idx: tf.Tensor2D, ctx: Ctx, cache?: KVSlot[]): tf.Tensor3D {
  const {config, wte, h, lnF, lmHead} = params;
  const [r, probe]: [ReturnType<typeof tap>, Probe] = [tap(ctx), ctx.probe ?? ((_, x) => x)];
  const start = cache?.[0].past?.k.shape[2] ?? 0; // positions already in the KV cache
  let x = probe(0, ctx.drop(embed(params, idx, ctx, start))); // (B, T, C)
  for (const [i, p] of h.entries()) x = probe(i + 1, block(x, p, config, inLayer(ctx, i, cache?.[i]))); // (B, T, C)
  if (lnF) x = r("lnF", layerNorm(x, lnF, config.layerNormEps)); // (B, T, C)
  x = probe(h.length + 1, x); // (B, T, C): the head's input
  if (lmHead) return r("logits", linear(x, lmHead)); // (B, T, vocabSize)
  const [B, T, C] = x.shape;
  const wteT = tf.transpose(wte) as tf.Tensor2D; // (C, vocabSize): the tied head reuses the token embedding
  const logits = matMul2d(tf.reshape(x, [B * T, C]), wteT); // (B·T, C) x (C, vocabSize) -> (B·T, vocabSize)
  return r("logits", tf.reshape(logits, [B, T, config.vocabSize])); // (B, T, vocabSize)
}

/** Block i records its names as h.i.name and reads and writes its own slot of the KV cache. */
const inLayer = (ctx: Ctx, i: number, kv?: KVSlot): Ctx => {
  const {record} = ctx;
  return {...ctx, kv, record: record && ((name, t) => record(`h.${i}.${name}`, t))};
};

/** The model's dropout and its adapters' (each at its own rate), on in training, seeded by opts.seed. */
const dropouts = (config: GPTConfig, opts: ForwardOptions): Pick<Ctx, "drop" | "dropAt"> => ({
  drop: makeDropout(config.dropout, opts.training ?? false, opts.seed),
  dropAt: makeRateDropout(opts.training ?? false, opts.seed)
});

function checkInput(config: GPTConfig, idx: tf.Tensor, checkIds: boolean, cached = 0): void {
  if (idx.rank !== 2 || idx.dtype !== "int32") {
    throw new Error(`idx must be an int32 tensor of shape (B, T), got ${idx.dtype} of shape [${idx.shape}]`);
  }
  const [, T] = idx.shape;
  if (T < 1 || T + cached > config.blockSize) {
    const what = cached ? `${cached} cached positions + T = ${T}` : `sequence length T = ${T}`;
    throw new Error(`${what} must be in 1..blockSize (${config.blockSize})`);
  }
  if (!checkIds) return;
  const ids = idx.dataSync();
  const bad = ids.findIndex((id) => !(id >= 0 && id < config.vocabSize));
  if (bad >= 0) {
    const [b, t] = [Math.floor(bad / T), bad % T];
    throw new Error(`token id ${ids[bad]} at (${b}, ${t}) is outside [0, vocabSize = ${config.vocabSize})`);
  }
}
