// The KV cache: the keys and values of the positions already read, so that each new token runs one position
// through the model instead of the whole window. Attention's own code fills it (attention.ts, ctx.kv).
//
// Positions are absolute (learned or sinusoidal), so once a sequence outgrows blockSize and the window slides,
// every cached key was computed at a position it no longer has. Past that point each step recomputes the
// window without the cache (exactly what the uncached path does), so both paths give the same tokens throughout.
import * as tf from "@tinygpt/tf";
import type {KV} from "./layers.js";
import {forward, forwardCached} from "./model.js";
import type {Params} from "./params.js";
import {readTensors, type Read} from "./readback.js";
import {argmax} from "./distribution.js";
import {breathe} from "./breathe.js";

export class KVCache {
  /** Per block, the keys and values of the cached positions, (B, nh, T, hs) each; empty when nothing is cached. */
  layers: KV[] = [];
  /** The ids of the cached positions, one row per sequence. */
  tokens: number[][] = [];

  /** T: how many positions are cached. */
  get length(): number {
    return this.layers.length ? this.layers[0].k.shape[2] : 0;
  }

  /** Per block, the shapes of k and v, e.g. [{k: [1, 4, 12, 64], v: [1, 4, 12, 64]}, …]. */
  shapes(): {k: number[]; v: number[]}[] {
    return this.layers.map(({k, v}) => ({k: [...k.shape], v: [...v.shape]}));
  }

  /** The cached keys and values as nested arrays, layers[i].k[b][head][t] is one key. */
  read(): Promise<Read<KV[]>> {
    return readTensors(this.layers);
  }

  /** Takes new contents (the cache owns them from now on) and frees the old. */
  set(layers: KV[], tokens: number[][]): void {
    this.clear();
    this.layers = layers;
    this.tokens = tokens.map((row) => [...row]);
  }

  /** Row b becomes old row rows[b] (beam search keeps each surviving hypothesis's parent). */
  reorder(rows: number[]): void {
    if (!this.layers.length) return;
    const pick = (t: tf.Tensor4D) => tf.keep(tf.gather(t, rows)); // (rows.length, nh, T, hs)
    const layers = tf.tidy(() => this.layers.map(({k, v}) => ({k: pick(k), v: pick(v)})));
    this.set(
      layers,
      rows.map((r) => this.tokens[r])
    );
  }

  /** Frees every tensor; the cache is then empty. */
  clear(): void {
    tf.dispose(this.layers.flatMap(({k, v}) => [k, v]));
    this.layers = [];
    this.tokens = [];
  }

  /** How many leading ids of every sequence the cache already holds (0 when it holds something else). */
  reusable(seqs: number[][]): number {
    const T = this.length;
    const fits = T > 0 && T < seqs[0].length && this.tokens.length === seqs.length;
    return fits && seqs.every((seq, b) => this.tokens[b].every((id, t) => seq[t] === id)) ? T : 0;
  }
}

/** The next-token logits of each sequence, and how many positions were run to get them. */
export interface NextLogits {
  logits: Float32Array[]; // one (vocabSize) row per sequence
  ran: number; // positions run per sequence: 1 when the cache held the rest, else the window (or prompt)
}

/**
 * The logits after the last blockSize tokens of each sequence (B rows of equal length). With a cache, only the
 * ids it does not hold yet are run, and it is updated; without one (or past blockSize) the whole window is.
 * Every ~16 ms it gives the event loop a turn, so a page stays responsive.
 */
export async function nextLogits(params: Params, seqs: number[][], cache: KVCache | null): Promise<NextLogits> {
  const {blockSize, vocabSize: V} = params.config;
  const [B, n] = [seqs.length, seqs[0].length];
  const useCache = cache !== null && n <= blockSize;
  if (!useCache) cache?.clear();
  const start = useCache ? cache.reusable(seqs) : Math.max(0, n - blockSize);
  const rows = seqs.map((seq) => seq.slice(start));
  const idx = tf.tensor2d(rows, [B, n - start], "int32"); // (B, T)
  let last: tf.Tensor3D;
  try {
    const run = useCache ? forwardCached(params, idx, start ? cache.layers : null, {checkIds: false}) : null;
    const logits = run ? run.logits : forward(params, idx, {checkIds: false}); // (B, T, V)
    if (run) cache!.set(run.present, seqs);
    last = tf.slice(logits, [0, n - start - 1, 0], [B, 1, V]); // (B, 1, V)
    logits.dispose();
  } finally {
    idx.dispose();
  }
  const data = (await last.data()) as Float32Array;
  last.dispose();
  await breathe();
  return {logits: seqs.map((_, b) => data.slice(b * V, (b + 1) * V)), ran: n - start};
}

export interface Speed {
  newTokens: number;
  ms: number;
  tokensPerSecond: number;
  tokens: number[]; // the ids written
}

/** Times greedy decoding of newTokens tokens after prompt, with or without the KV cache. */
export async function timeDecoding(
  params: Params,
  prompt: number[],
  newTokens: number,
  {kvCache = true}: {kvCache?: boolean} = {}
): Promise<Speed> {
  const cache = kvCache ? new KVCache() : null;
  const seq = [...prompt];
  const t0 = performance.now();
  try {
    for (let i = 0; i < newTokens; i++) seq.push(argmax((await nextLogits(params, [seq], cache)).logits[0]));
  } finally {
    cache?.clear();
  }
  const ms = performance.now() - t0;
  return {newTokens, ms, tokensPerSecond: (1000 * newTokens) / ms, tokens: seq.slice(prompt.length)};
}

/**
 * Cached against uncached greedy decoding of the same tokens, after a warm-up of both (warmup tokens each: as many as
 * the timed runs compile every shape they meet first), and whether both wrote the same tokens.
 */
export async function compareDecoding(params: Params, prompt: number[], newTokens: number, {warmup = 2} = {}) {
  await timeDecoding(params, prompt, warmup, {kvCache: true});
  await timeDecoding(params, prompt, warmup, {kvCache: false});
  const cached = await timeDecoding(params, prompt, newTokens, {kvCache: true});
  const uncached = await timeDecoding(params, prompt, newTokens, {kvCache: false});
  const same = cached.tokens.join() === uncached.tokens.join();
  return {cached, uncached, speedup: cached.tokensPerSecond / uncached.tokensPerSecond, same};
}
