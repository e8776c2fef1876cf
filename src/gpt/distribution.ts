// What each sampling rule keeps of the next-token distribution. Plain arrays, no tensors: the rules run in JS on
// the vocabSize logits of the last position, so a seed draws the same tokens on every backend.
import {mulberry32} from "./random.js";

/** The rules, applied in this order: temperature, top-k, top-p (on what top-k kept, renormalised), then the draw. */
export interface SamplingRules {
  greedy?: boolean; // always the most likely token (ties: the lowest id); the other rules are ignored
  temperature?: number; // divides the logits before the softmax; default 1; 0 means greedy
  topK?: number; // keep the k most likely tokens (ties: lower ids first)
  topP?: number; // keep the fewest most likely tokens whose probability sums to at least p (nucleus), in (0, 1]
}

export interface TokenProb {
  id: number;
  p: number;
}

/** One step's next-token distribution and what each rule kept of it (ids most likely first; null: rule off). */
export interface Distribution {
  probs: number[]; // softmax(logits): the model's own distribution
  scaled: number[]; // softmax(logits / temperature); probs when the temperature is 1
  topK: number[] | null; // the ids top-k kept
  topP: number[] | null; // the ids top-p kept (of those top-k kept)
  kept: number[]; // the ids every rule kept: the only ones that can be drawn
  final: number[]; // scaled, 0 outside kept, renormalised: what the draw uses
}

/** softmax(logits / temperature) in float64, stable (the max logit is subtracted first). */
export function softmax(logits: ArrayLike<number>, temperature = 1): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (x) => Math.exp((x - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** log softmax(logits): the log-probability of each id, without underflow to -Infinity. */
export function logSoftmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const logSum = Math.log(Array.from(logits).reduce((s, x) => s + Math.exp(x - max), 0));
  return Array.from(logits, (x) => x - max - logSum);
}

/** Ids with probability > 0, most likely first; ties go to the lower id. */
export function byProbability(probs: ArrayLike<number>): number[] {
  const ids = Array.from(probs, (_, id) => id).filter((id) => probs[id] > 0);
  return ids.sort((a, b) => probs[b] - probs[a] || a - b);
}

/** The most likely id (ties: the lowest). */
export const argmax = (xs: ArrayLike<number>): number =>
  Array.from(xs).reduce((best, x, id) => (x > xs[best] ? id : best), 0);

/** The n most likely ids with their probabilities. */
export const top = (probs: ArrayLike<number>, n: number): TokenProb[] =>
  byProbability(probs)
    .slice(0, n)
    .map((id) => ({id, p: probs[id]}));

/** The k most likely ids. */
export const keepTopK = (probs: ArrayLike<number>, k: number): number[] => byProbability(probs).slice(0, k);

/** The fewest most likely ids whose probabilities sum to at least p (1e-9 of rounding allowed). */
export function keepTopP(probs: ArrayLike<number>, p: number): number[] {
  const kept: number[] = [];
  let mass = 0;
  for (const id of byProbability(probs)) {
    if (mass >= p - 1e-9) break;
    kept.push(id);
    mass += probs[id];
  }
  return kept;
}

/** probs restricted to ids and renormalised. */
export function restrict(probs: ArrayLike<number>, ids: number[]): number[] {
  const mass = ids.reduce((s, id) => s + probs[id], 0);
  const out = Array.from(probs, () => 0);
  for (const id of ids) out[id] = probs[id] / mass;
  return out;
}

/** The model's distribution for one position's logits (vocabSize), and what the rules keep of it. */
export function distribution(logits: ArrayLike<number>, rules: SamplingRules = {}): Distribution {
  checkRules(rules);
  const probs = softmax(logits);
  const {topK = null, topP = null, temperature = 1} = rules;
  if (rules.greedy || temperature === 0) {
    const kept = [argmax(logits)];
    return {probs, scaled: restrict(probs, kept), topK: null, topP: null, kept, final: restrict(probs, kept)};
  }
  const scaled = temperature === 1 ? probs : softmax(logits, temperature);
  const afterK = topK === null ? null : keepTopK(scaled, topK);
  const afterP = topP === null ? null : keepTopP(afterK ? restrict(scaled, afterK) : scaled, topP);
  const kept = afterP ?? afterK ?? byProbability(scaled);
  return {probs, scaled, topK: afterK, topP: afterP, kept, final: restrict(scaled, kept)};
}

/** The id at u ∈ [0, 1) of the cumulative distribution, summed in id order (inverse-CDF sampling). */
export function draw(final: ArrayLike<number>, u: number): number {
  let cumulative = 0;
  let last = 0;
  for (let id = 0; id < final.length; id++) {
    if (final[id] === 0) continue;
    cumulative += final[id];
    last = id;
    if (u < cumulative) return id;
  }
  return last; // u fell past the rounding error at the end
}

/** mulberry32: a seeded stream of uniform numbers in [0, 1), the same in every JS engine. */
export const random = (seed: number): (() => number) => mulberry32(seed >>> 0);

/** Throws a RangeError naming the first rule with a value it cannot take. */
export function checkRules({temperature, topK, topP}: SamplingRules): void {
  if (temperature !== undefined && !(temperature >= 0 && Number.isFinite(temperature))) {
    throw new RangeError(`temperature (${temperature}) must be a finite number ≥ 0`);
  }
  if (topK !== undefined && !(Number.isSafeInteger(topK) && topK >= 1)) {
    throw new RangeError(`topK (${topK}) must be a positive integer`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new RangeError(`topP (${topP}) must be in (0, 1]`);
}
