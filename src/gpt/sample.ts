// Generation, as nanoGPT's generate: read the last blockSize tokens, take the logits at the last position, apply
// the sampling rules, draw one token, append it, repeat. sample yields each token with its distribution; generate
// returns the whole sequence (with beam search when opts.beam is set).
import {beamSearch} from "./beam.js";
import type {GPTConfig} from "./config.js";
import {checkRules, distribution, draw, logSoftmax, random, top} from "./distribution.js";
import type {Distribution, SamplingRules, TokenProb} from "./distribution.js";
import {KVCache, nextLogits} from "./kvcache.js";
import type {Params} from "./params.js";

export interface SampleOptions extends SamplingRules {
  maxNewTokens: number;
  seed?: number; // the draws follow the seed; default 1337 (nanoGPT's sample.py)
  kvCache?: boolean; // default true; false reruns the whole window for every token (same tokens, slower)
  stop?: readonly number[]; // generation ends after any of these ids
  topN?: number; // how many of the most likely tokens each step reports; default 10
  signal?: AbortSignal; // generation ends, before the next token, once this is aborted
}

/** One generated token and everything the views show about how it was chosen. */
export interface Step {
  index: number; // 0 for the first new token
  token: number; // the id drawn
  p: number; // its probability under the final distribution (after the rules)
  logProb: number; // its log-probability under the model's own distribution
  top: TokenProb[]; // the model's topN most likely next tokens
  dist: Distribution; // the whole distribution and what each rule kept
  logits: Float32Array; // the model's logits for this token (vocabSize): the distribution can be rebuilt from them
  ran: number; // positions run through the model for this token: 1 when the KV cache held the rest
  cache: KVCache | null; // the live cache (read it before asking for the next token), null without one
}

/**
 * Yields one new token at a time after prompt (ids); stop early by breaking out of the loop. A prompt or sequence
 * longer than blockSize slides: the model reads the last blockSize tokens.
 */
export async function* sample(
  params: Params,
  prompt: readonly number[],
  opts: SampleOptions
): AsyncGenerator<Step, void, undefined> {
  checkPrompt(params.config, prompt);
  checkCount(opts.maxNewTokens);
  checkRules(opts);
  const uniform = random(opts.seed ?? 1337);
  const stop = new Set(opts.stop ?? []);
  const cache = opts.kvCache === false ? null : new KVCache();
  const seq = [...prompt];
  try {
    for (let index = 0; index < opts.maxNewTokens && !opts.signal?.aborted; index++) {
      const {logits, ran} = await nextLogits(params, [seq], cache);
      const dist = distribution(logits[0], opts);
      const token = draw(dist.final, uniform()); // one draw per token, greedy too, so the stream stays aligned
      seq.push(token);
      const logProb = logSoftmax(logits[0])[token];
      const topN = top(dist.probs, opts.topN ?? 10);
      yield {index, token, p: dist.final[token], logProb, top: topN, dist, logits: logits[0], ran, cache};
      if (stop.has(token)) return;
    }
  } finally {
    cache?.clear();
  }
}

export interface GenerateOptions extends SampleOptions {
  beam?: number; // beam search of this width instead of sampling (the sampling rules and seed are then unused)
  lengthPenalty?: number; // beam search's α in logProb / length^α; default 1
}

/** prompt followed by up to maxNewTokens new ids (B = 1). */
export async function generate(params: Params, prompt: readonly number[], opts: GenerateOptions): Promise<number[]> {
  if (opts.beam === undefined) {
    const out = [...prompt];
    for await (const step of sample(params, prompt, opts)) out.push(step.token);
    return out;
  }
  checkPrompt(params.config, prompt);
  checkCount(opts.maxNewTokens);
  const search = beamSearch(params, prompt, {...opts, width: opts.beam});
  let result = await search.next();
  while (!result.done) result = await search.next();
  return [...prompt, ...result.value.tokens];
}

function checkPrompt(config: GPTConfig, prompt: readonly number[]): void {
  if (prompt.length === 0) throw new RangeError("the prompt must have at least one token");
  const bad = prompt.findIndex((id) => !(Number.isInteger(id) && id >= 0 && id < config.vocabSize));
  if (bad >= 0) {
    throw new RangeError(`prompt token ${prompt[bad]} at ${bad} is outside [0, vocabSize = ${config.vocabSize})`);
  }
}

function checkCount(n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`maxNewTokens (${n}) must be an integer ≥ 0`);
}
