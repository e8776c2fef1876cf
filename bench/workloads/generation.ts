// 4 · Generation: greedy decoding with and without the KV cache.
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {argmax} from "../../src/gpt/distribution.js";
import {KVCache, nextLogits} from "../../src/gpt/kvcache.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {BABY, now} from "./common.js";

/** The baby model with room for a 1-token prompt and 256 new tokens: the KV cache is never rebuilt. */
export const GEN_CONFIG: GPTConfig = makeConfig({...BABY, blockSize: 320});

export interface Decoding {
  tokens: number; // tokens generated before the deadline (newTokens unless capped)
  ms: number;
  tokensPerSecond: number;
}

export interface GenerationResult {
  newTokens: number;
  blockSize: number;
  cached: Decoding;
  uncached: Decoding;
  speedup: number; // cached / uncached tokens per second
  capped: boolean; // a run stopped at its deadline: its rate covers only the first tokens
}

/**
 * Greedy decoding after a 1-token prompt, with and without the KV cache: the loop of kvcache.ts's timeDecoding
 * (nextLogits, the path sample() takes), after a warm-up of 8 tokens each, but stopped at maxMs.
 * A capped uncached run read only the shorter early windows, so its rate is optimistic and the speedup a lower bound.
 */
export async function generation(newTokens: number, {maxMs = Infinity} = {}): Promise<GenerationResult> {
  const params = initParams(GEN_CONFIG, 0);
  const decode = async (n: number, kv: boolean, deadline: number): Promise<Decoding> => {
    const cache = kv ? new KVCache() : null;
    const seq = [1];
    const t0 = now();
    try {
      while (seq.length - 1 < n && (seq.length === 1 || now() < deadline))
        seq.push(argmax((await nextLogits(params, [seq], cache)).logits[0]));
    } finally {
      cache?.clear();
    }
    const ms = now() - t0;
    return {tokens: seq.length - 1, ms, tokensPerSecond: (1000 * (seq.length - 1)) / ms};
  };
  try {
    await decode(8, true, now() + maxMs / 4); // warm-up (longer than compareDecoding's 2 tokens: wasm tiers up)
    await decode(8, false, now() + maxMs / 4);
    const cached = await decode(newTokens, true, now() + maxMs);
    const uncached = await decode(newTokens, false, now() + maxMs);
    const capped = cached.tokens < newTokens || uncached.tokens < newTokens;
    const speedup = cached.tokensPerSecond / uncached.tokensPerSecond;
    return {newTokens, blockSize: GEN_CONFIG.blockSize, cached, uncached, speedup, capped};
  } finally {
    disposeParams(params);
  }
}
