// Beam search: keep the width most likely continuations at every step instead of one.
// A hypothesis's score is its summed log-probability divided by length^α (α = lengthPenalty, default 1: the mean
// log-probability per token), so hypotheses that ended early at a stop id compete fairly with longer ones; with no
// stop ids every hypothesis has the same length and the score ranks them like the plain sum. No seed: the search
// is deterministic (ties go to the earlier beam, then the lower id).
import {logSoftmax} from "./distribution.js";
import {KVCache, nextLogits} from "./kvcache.js";
import type {Params} from "./params.js";

export interface BeamOptions {
  width: number; // how many hypotheses live at once
  maxNewTokens: number;
  lengthPenalty?: number; // α in logProb / length^α; default 1; 0 scores by the plain sum
  stop?: readonly number[]; // a hypothesis ends after any of these ids
  kvCache?: boolean; // default true: one cache row per hypothesis, reordered as they branch
  signal?: AbortSignal; // the search ends, before the next token, once this is aborted
}

export interface Hypothesis {
  tokens: number[]; // the new ids, after the prompt
  logProb: number; // Σ log p(token | all before it)
  score: number; // logProb / tokens.length^α
}

/** One step of the search: the live hypotheses (most likely first) and those that ended with a stop id. */
export interface BeamStep {
  index: number; // 0 once every hypothesis has its first new token
  beams: Hypothesis[];
  finished: Hypothesis[];
}

/**
 * Yields the hypotheses after each new token and returns the best-scoring one: among the finished once width of
 * them have ended with a stop id, else among finished and live after maxNewTokens (Hugging Face's early stopping).
 */
export async function* beamSearch(
  params: Params,
  prompt: readonly number[],
  opts: BeamOptions
): AsyncGenerator<BeamStep, Hypothesis, undefined> {
  const {width: W, maxNewTokens, lengthPenalty: alpha = 1} = opts;
  if (!(Number.isSafeInteger(W) && W >= 1)) throw new RangeError(`beam width (${W}) must be a positive integer`);
  const stop = new Set(opts.stop ?? []);
  const hypothesis = (tokens: number[], logProb: number): Hypothesis => ({
    tokens,
    logProb,
    score: tokens.length ? logProb / Math.pow(tokens.length, alpha) : 0
  });
  let beams = [hypothesis([], 0)];
  const finished: Hypothesis[] = [];
  const cache = opts.kvCache === false ? null : new KVCache();
  try {
    for (let index = 0; index < maxNewTokens && finished.length < W && beams.length && !opts.signal?.aborted; index++) {
      const {logits} = await nextLogits(
        params,
        beams.map((h) => [...prompt, ...h.tokens]),
        cache
      );
      // Every one-token extension of every beam, most likely first; 2W of them leave W live even if W stop.
      const candidates = logits.flatMap((row, b) =>
        logSoftmax(row).map((lp, id) => ({b, id, logProb: beams[b].logProb + lp}))
      );
      candidates.sort((x, y) => y.logProb - x.logProb || x.b - y.b || x.id - y.id);
      const [next, parents]: [Hypothesis[], number[]] = [[], []];
      for (const [rank, {b, id, logProb}] of candidates.slice(0, 2 * W).entries()) {
        const h = hypothesis([...beams[b].tokens, id], logProb);
        if (stop.has(id)) {
          if (rank < W) finished.push(h);
        } else if (next.length < W) {
          next.push(h);
          parents.push(b);
        }
      }
      beams = next;
      cache?.reorder(parents);
      yield {index, beams, finished: [...finished]};
    }
  } finally {
    cache?.clear();
  }
  const pool = finished.length >= W ? finished : [...finished, ...beams];
  return pool.reduce((best, h) => (h.score > best.score ? h : best));
}
