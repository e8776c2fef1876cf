import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {MASKED, causalMask} from "../../src/gpt/attention.js";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {KVCache, compareDecoding, nextLogits} from "../../src/gpt/kvcache.js";
import {forward, forwardCached} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {generate, sample} from "../../src/gpt/sample.js";
import {assertClose, noLeak, randomise, uniform, useCpu} from "../helpers/tf.js";

before(useCpu);

const base = {vocabSize: 13, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16};
const configs: [string, GPTConfig][] = [
  ["pre-norm, learned positions", makeConfig(base)],
  ["post-norm, no final norm, untied head", makeConfig({...base, norm: "post", finalNorm: false, tieWeights: false})],
  ["sinusoidal positions", makeConfig({...base, positional: "sinusoidal"})]
];

/** Weights randomised past their small init, so that logits are far apart and every path carries signal. */
function params(config: GPTConfig, seed: number): Params {
  const p = initParams(config, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.3));
  return p;
}

const ids = (n: number, V: number, seed: number) => {
  const u = uniform(seed);
  return Array.from({length: n}, () => Math.floor(u() * V));
};

/** The logits of the last position of seq's last blockSize tokens, by a full forward pass (the reference). */
async function lastLogits(p: Params, seq: number[]): Promise<number[]> {
  const window = seq.slice(-p.config.blockSize);
  const idx = tf.tensor2d([window], [1, window.length], "int32");
  const logits = forward(p, idx);
  const rows = (await logits.array())[0];
  tf.dispose([idx, logits]);
  return rows[rows.length - 1];
}

/** Greedy decoding that recomputes the whole window for every token (ties: the lowest id). */
async function referenceGreedy(p: Params, prompt: number[], n: number): Promise<number[]> {
  const seq = [...prompt];
  for (let i = 0; i < n; i++) {
    const row = await lastLogits(p, seq);
    seq.push(row.indexOf(Math.max(...row)));
  }
  return seq;
}

describe("causalMask with cached positions", () => {
  it("causalMask(T, past) lets row i see columns 0..past + i: (T, past + T)", async () => {
    await noLeak(() => {
      const m = causalMask(2, 3);
      assert.deepEqual(m.arraySync(), [
        [0, 0, 0, 0, MASKED],
        [0, 0, 0, 0, 0]
      ]);
      m.dispose();
    });
  });
});

describe("forwardCached", () => {
  for (const [name, config] of configs) {
    it(`forwardCached fed 5 tokens then 1 at a time gives forward's logits at every position (${name})`, async () => {
      const p = params(config, 1);
      await noLeak(async () => {
        const seq = ids(config.blockSize, config.vocabSize, 2);
        const idx = tf.tensor2d([seq, [...seq].reverse()], [2, seq.length], "int32");
        const full = forward(p, idx);
        const expected = await full.array(); // (2, T, V)
        const first = tf.slice(idx, [0, 0], [2, 5]) as tf.Tensor2D;
        let {logits, present} = forwardCached(p, first, null);
        const got = (await logits.array()).map((rows) => [...rows]);
        tf.dispose([first, logits]);
        for (let t = 5; t < seq.length; t++) {
          const one = tf.slice(idx, [0, t], [2, 1]) as tf.Tensor2D;
          const past = present;
          ({logits, present} = forwardCached(p, one, past));
          assert.deepEqual(present[0].k.shape, [2, config.nHead, t + 1, config.nEmbd / config.nHead]);
          (await logits.array()).forEach((rows, b) => got[b].push(rows[0]));
          tf.dispose([one, logits, ...past.flatMap(({k, v}) => [k, v])]);
        }
        assertClose(got, expected, 1e-5, "logits");
        tf.dispose([idx, full, ...present.flatMap(({k, v}) => [k, v])]);
      });
      disposeParams(p);
    });
  }

  it("forwardCached refuses more than blockSize positions in all", async () => {
    const p = params(configs[0][1], 3);
    await noLeak(() => {
      const idx = tf.tensor2d([ids(12, 13, 4)], [1, 12], "int32");
      const {logits, present} = forwardCached(p, idx, null);
      const one = tf.tensor2d([[1]], [1, 1], "int32");
      assert.throws(() => forwardCached(p, one, present), /12 cached positions \+ T = 1 must be in 1\.\.blockSize/);
      tf.dispose([idx, one, logits, ...present.flatMap(({k, v}) => [k, v])]);
    });
    disposeParams(p);
  });
});

describe("KV cache == recompute", () => {
  for (const [name, config] of configs) {
    it(`greedy tokens with the cache equal recomputing the window, within and past blockSize (${name})`, async () => {
      const p = params(config, 5);
      const prompt = ids(3, config.vocabSize, 6);
      const expected = await referenceGreedy(p, prompt, 20); // 23 > blockSize 12: slides
      await noLeak(async () => {
        const opts = {maxNewTokens: 20, greedy: true};
        assert.deepEqual(await generate(p, prompt, {...opts, kvCache: true}), expected);
        assert.deepEqual(await generate(p, prompt, {...opts, kvCache: false}), expected);
      });
      disposeParams(p);
    });

    it(`seeded sampling with the cache draws the same tokens as without it (${name})`, async () => {
      const p = params(config, 7);
      const prompt = ids(2, config.vocabSize, 8);
      await noLeak(async () => {
        for (const rules of [{}, {temperature: 1.5, topK: 5}, {temperature: 0.8, topP: 0.9}]) {
          const opts = {maxNewTokens: 16, seed: 11, ...rules};
          const cached = await generate(p, prompt, {...opts, kvCache: true});
          const uncached = await generate(p, prompt, {...opts, kvCache: false});
          assert.deepEqual(cached, uncached, JSON.stringify(rules));
          assert.equal(cached.length, 18);
        }
      });
      disposeParams(p);
    });
  }

  it("beam search gives the same hypotheses with and without the cache", async () => {
    const p = params(configs[0][1], 9);
    await noLeak(async () => {
      const opts = {maxNewTokens: 14, beam: 3, stop: [0]};
      const prompt = [4, 5];
      assert.deepEqual(
        await generate(p, prompt, {...opts, kvCache: true}),
        await generate(p, prompt, {...opts, kvCache: false})
      );
    });
    disposeParams(p);
  });
});

describe("KVCache", () => {
  it("the cache grows by one position per token, runs 1 position per step, and empties once the window slides", async () => {
    const config = configs[0][1];
    const p = params(config, 12);
    const hs = config.nEmbd / config.nHead;
    await noLeak(async () => {
      const lengths: number[] = [];
      const ran: number[] = [];
      for await (const step of sample(p, [1, 2, 3, 4], {maxNewTokens: 12, seed: 1})) {
        lengths.push(step.cache!.length);
        ran.push(step.ran);
        if (step.cache!.length) {
          const T = step.cache!.length;
          assert.deepEqual(step.cache!.shapes(), Array(config.nLayer).fill({k: [1, 2, T, hs], v: [1, 2, T, hs]}));
        }
      }
      // 4 + i tokens read for new token i; the cache holds them while 4 + i ≤ blockSize (12).
      assert.deepEqual(lengths, [4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0]);
      assert.deepEqual(ran, [4, 1, 1, 1, 1, 1, 1, 1, 1, 12, 12, 12]);
    });
    disposeParams(p);
  });

  it("cache.read() after three steps holds the keys and values of one pass over the whole sequence", async () => {
    const config = configs[2][1];
    const p = params(config, 13);
    await noLeak(async () => {
      const cache = new KVCache();
      const seq = [3, 1, 4, 1, 5];
      await nextLogits(p, [seq.slice(0, 3)], cache);
      await nextLogits(p, [seq.slice(0, 4)], cache);
      await nextLogits(p, [seq], cache);
      const read = await cache.read();
      assert.equal(read[1].k[0][1].length, 5);
      const idx = tf.tensor2d([seq], [1, 5], "int32");
      const reference = forwardCached(p, idx, null);
      assertClose(read[1].k, await reference.present[1].k.array(), 1e-5, "keys");
      assertClose(read[0].v, await reference.present[0].v.array(), 1e-5, "values");
      tf.dispose([idx, reference.logits, ...reference.present.flatMap(({k, v}) => [k, v])]);
      cache.clear();
    });
    disposeParams(p);
  });

  it("cache.reorder(rows) makes row b a copy of old row rows[b]", async () => {
    const p = params(configs[0][1], 14);
    await noLeak(async () => {
      const cache = new KVCache();
      await nextLogits(
        p,
        [
          [1, 2],
          [3, 4]
        ],
        cache
      );
      const before = await cache.read();
      cache.reorder([1, 1, 0]);
      const after = await cache.read();
      assert.deepEqual(cache.tokens, [
        [3, 4],
        [3, 4],
        [1, 2]
      ]);
      assert.deepEqual(after[1].k, [before[1].k[1], before[1].k[1], before[1].k[0]]);
      cache.clear();
    });
    disposeParams(p);
  });

  it("nextLogits with a cache holding other tokens starts again instead of reusing it", async () => {
    const p = params(configs[0][1], 15);
    await noLeak(async () => {
      const cache = new KVCache();
      await nextLogits(p, [[1, 2, 3]], cache);
      const {logits, ran} = await nextLogits(p, [[1, 5, 3, 4]], cache);
      assert.equal(ran, 4);
      assertClose(Array.from(logits[0]), await lastLogits(p, [1, 5, 3, 4]), 1e-5, "logits");
      cache.clear();
    });
    disposeParams(p);
  });
});

describe("compareDecoding", () => {
  it("compareDecoding times both paths over the same number of tokens, writes the same tokens, keeps no tensor", async () => {
    const p = params(configs[0][1], 16);
    await noLeak(async () => {
      const {cached, uncached, speedup, same} = await compareDecoding(p, [1, 2], 6, {warmup: 6});
      assert.equal(cached.newTokens, 6);
      assert.equal(uncached.newTokens, 6);
      assert.ok(cached.ms > 0 && uncached.ms > 0 && speedup > 0);
      assert.deepEqual(cached.tokens, (await generate(p, [1, 2], {greedy: true, maxNewTokens: 6})).slice(2));
      assert.deepEqual([same, uncached.tokens], [true, cached.tokens]);
    });
    disposeParams(p);
  });
});
