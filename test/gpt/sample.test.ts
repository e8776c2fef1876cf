import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {beamSearch, type Hypothesis} from "../../src/gpt/beam.js";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {distribution, draw, keepTopK, keepTopP, softmax} from "../../src/gpt/distribution.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {generate, sample, type Step} from "../../src/gpt/sample.js";
import {assertClose, noLeak, randomise, uniform, useCpu} from "../helpers/tf.js";

before(useCpu);

const config = makeConfig({vocabSize: 13, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16});

function params(c: GPTConfig, seed: number): Params {
  const p = initParams(c, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.3));
  return p;
}

/**
 * A model that is exactly a bigram table: one-hot token embeddings, zero positions, blocks that add nothing
 * (every weight 0), no final norm, and an untied head whose row for token a is log P(· | a).
 */
function bigram(table: number[][]): Params {
  const V = table.length;
  const c = makeConfig({
    vocabSize: V,
    blockSize: 8,
    nLayer: 1,
    nHead: 1,
    nEmbd: V,
    tieWeights: false,
    finalNorm: false
  });
  const p = initParams(c, 0);
  tf.tidy(() => {
    namedParams(p).forEach(({variable}) => variable.assign(tf.zerosLike(variable)));
    p.wte.assign(tf.eye(V));
    p.lmHead!.weight.assign(tf.tensor2d(table.map((row) => row.map(Math.log))));
  });
  return p;
}

/** The last position's logits of a full forward pass over seq's last blockSize tokens. */
async function lastLogits(p: Params, seq: number[]): Promise<number[]> {
  const window = seq.slice(-p.config.blockSize);
  const idx = tf.tensor2d([window], [1, window.length], "int32");
  const logits = forward(p, idx);
  const rows = (await logits.array())[0];
  tf.dispose([idx, logits]);
  return rows[rows.length - 1];
}

async function steps(p: Params, prompt: number[], opts: Parameters<typeof sample>[2]): Promise<Step[]> {
  const out: Step[] = [];
  for await (const step of sample(p, prompt, opts)) out.push(step);
  return out;
}

const log = Math.log;
const probs = [0.1, 0.4, 0.2, 0.3];

describe("sampling rules", () => {
  it("softmax(logits, T) divides the logits by T: [0, ln 2, ln 4] gives 1:2:4, and 1:√2:2 at T = 2", () => {
    const logits = [0, log(2), log(4)];
    assertClose(softmax(logits), [1 / 7, 2 / 7, 4 / 7], 1e-12);
    const z = 3 + Math.SQRT2;
    assertClose(softmax(logits, 2), [1 / z, Math.SQRT2 / z, 2 / z], 1e-12);
  });

  it("keepTopK keeps exactly the k most likely ids, lower ids first on ties", () => {
    assert.deepEqual(keepTopK(probs, 2), [1, 3]);
    assert.deepEqual(keepTopK(probs, 1), [1]);
    assert.deepEqual(keepTopK(probs, 9), [1, 3, 2, 0]);
    assert.deepEqual(keepTopK([0.3, 0.3, 0.4], 2), [2, 0]);
  });

  it("keepTopP keeps the fewest most likely ids whose probabilities reach p, and always one", () => {
    assert.deepEqual(keepTopP(probs, 0.7), [1, 3]); // 0.4 + 0.3 reaches 0.7
    assert.deepEqual(keepTopP(probs, 0.71), [1, 3, 2]);
    assert.deepEqual(keepTopP(probs, 0.4), [1]);
    assert.deepEqual(keepTopP(probs, 0.05), [1]);
    assert.deepEqual(keepTopP(probs, 1), [1, 3, 2, 0]);
  });

  it("distribution applies top-k, then top-p to what top-k kept, renormalised", () => {
    const logits = probs.map(log);
    // top-3 keeps 1, 3, 2 (mass 0.9): renormalised 4/9, 3/9, 2/9; top-p 0.75 then keeps 1 and 3 (7/9).
    const d = distribution(logits, {topK: 3, topP: 0.75});
    assert.deepEqual(d.topK, [1, 3, 2]);
    assert.deepEqual(d.topP, [1, 3]);
    assert.deepEqual(d.kept, [1, 3]);
    assertClose(d.final, [0, 4 / 7, 0, 3 / 7], 1e-9);
    assertClose(d.probs, probs, 1e-9);
    // 0.8 > 7/9, so top-p also needs id 2.
    assert.deepEqual(distribution(logits, {topK: 3, topP: 0.8}).kept, [1, 3, 2]);
  });

  it("greedy and temperature 0 keep only the most likely id", () => {
    const logits = [0.5, 2, 2, -1]; // a tie: the lower id wins
    for (const rules of [{greedy: true}, {temperature: 0}, {greedy: true, topK: 3, temperature: 5}]) {
      const d = distribution(logits, rules);
      assert.deepEqual(d.kept, [1]);
      assert.deepEqual(d.final, [0, 1, 0, 0]);
    }
  });

  it("temperature near 0 puts all the probability on the most likely id", () => {
    assertClose(distribution([0.5, 2, 1.9, -1], {temperature: 1e-6}).final, [0, 1, 0, 0], 1e-12);
  });

  it("draw(final, u) returns the id whose slice of the cumulative distribution (id order) holds u", () => {
    const final = [0.2, 0, 0.5, 0.3];
    assert.deepEqual(
      [0, 0.1, 0.3, 0.69, 0.75, 0.9999].map((u) => draw(final, u)),
      [0, 0, 2, 2, 3, 3]
    );
  });

  it("the rules refuse values they cannot take", () => {
    assert.throws(() => distribution([0, 1], {topP: 0}), /topP \(0\) must be in \(0, 1\]/);
    assert.throws(() => distribution([0, 1], {topP: 1.5}), RangeError);
    assert.throws(() => distribution([0, 1], {topK: 0}), /topK \(0\) must be a positive integer/);
    assert.throws(() => distribution([0, 1], {temperature: -1}), /temperature/);
  });
});

describe("sample and generate", () => {
  it("generate returns the prompt followed by maxNewTokens ids in the vocabulary", async () => {
    const p = params(config, 1);
    await noLeak(async () => {
      const out = await generate(p, [3, 1, 4], {maxNewTokens: 9, seed: 2});
      assert.equal(out.length, 12);
      assert.deepEqual(out.slice(0, 3), [3, 1, 4]);
      assert.ok(out.every((id) => Number.isInteger(id) && id >= 0 && id < config.vocabSize));
    });
    disposeParams(p);
  });

  it("the same seed draws the same tokens; another seed draws others", async () => {
    const p = params(config, 3);
    await noLeak(async () => {
      const run = (seed: number) => generate(p, [1], {maxNewTokens: 30, seed, temperature: 2});
      assert.deepEqual(await run(5), await run(5));
      assert.notDeepEqual(await run(5), await run(6));
    });
    disposeParams(p);
  });

  it("sampling at temperature T draws from softmax(logits / T) with one uniform number per token", async () => {
    const p = params(config, 4);
    // Reference: full forward over the window, softmax at T in float64, inverse CDF in id order, mulberry32(seed).
    const u = uniform(7);
    const expected = [2, 7];
    for (let i = 0; i < 10; i++) {
      const logits = await lastLogits(p, expected);
      const e = logits.map((x) => Math.exp((x - Math.max(...logits)) / 1.3));
      const sum = e.reduce((a, b) => a + b, 0);
      const x = u();
      let acc = 0;
      expected.push(e.findIndex((w) => (acc += w / sum) > x));
    }
    await noLeak(async () => {
      assert.deepEqual(await generate(p, [2, 7], {maxNewTokens: 10, seed: 7, temperature: 1.3}), expected);
    });
    disposeParams(p);
  });

  it("temperature → 0 and top-k = 1 give the greedy tokens", async () => {
    const p = params(config, 5);
    await noLeak(async () => {
      const greedy = await generate(p, [4], {maxNewTokens: 20, greedy: true});
      assert.deepEqual(await generate(p, [4], {maxNewTokens: 20, temperature: 1e-6, seed: 1}), greedy);
      assert.deepEqual(await generate(p, [4], {maxNewTokens: 20, temperature: 0, seed: 2}), greedy);
      assert.deepEqual(await generate(p, [4], {maxNewTokens: 20, topK: 1, seed: 3}), greedy);
    });
    disposeParams(p);
  });

  it("each step reports the model's top-N, what the rules kept, and the drawn token's probabilities", async () => {
    const p = params(config, 6);
    await noLeak(async () => {
      for (const step of await steps(p, [1, 2], {maxNewTokens: 5, topK: 4, topN: 3, seed: 1})) {
        assert.equal(step.top.length, 3);
        assert.ok(step.top[0].p >= step.top[1].p && step.top[1].p >= step.top[2].p);
        assert.equal(step.top[0].p, Math.max(...step.dist.probs));
        assert.equal(step.dist.kept.length, 4);
        assert.ok(step.dist.kept.includes(step.token));
        assert.ok(Math.abs(step.dist.final.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        assert.equal(step.p, step.dist.final[step.token]);
        assertClose([step.logProb], [Math.log(step.dist.probs[step.token])], 1e-9);
      }
    });
    disposeParams(p);
  });

  it("a stop id ends generation right after it is drawn", async () => {
    const p = params(config, 8);
    await noLeak(async () => {
      const greedy = await generate(p, [0], {maxNewTokens: 10, greedy: true});
      const out = await generate(p, [0], {maxNewTokens: 10, greedy: true, stop: [greedy[3]]});
      assert.deepEqual(out, greedy.slice(0, greedy.indexOf(greedy[3], 1) + 1));
    });
    disposeParams(p);
  });

  it("breaking out of sample, or aborting its signal, stops it and frees the cache", async () => {
    const p = params(config, 9);
    await noLeak(async () => {
      let last = -1;
      for await (const step of sample(p, [1], {maxNewTokens: 50})) {
        last = step.index;
        if (last === 4) break;
      }
      assert.equal(last, 4);
      const controller = new AbortController();
      let seen = 0;
      for await (const step of sample(p, [1], {maxNewTokens: 50, signal: controller.signal})) {
        seen++;
        if (step.index === 2) controller.abort();
      }
      assert.equal(seen, 3);
    });
    disposeParams(p);
  });

  it("a prompt and a generation longer than blockSize slide over the last blockSize tokens", async () => {
    const p = params(config, 10);
    const prompt = Array.from({length: 20}, (_, i) => (i * 5) % config.vocabSize); // 20 > blockSize 12
    const expected = [...prompt];
    for (let i = 0; i < 15; i++) {
      const logits = await lastLogits(p, expected);
      expected.push(logits.indexOf(Math.max(...logits)));
    }
    await noLeak(async () => {
      assert.deepEqual(await generate(p, prompt, {maxNewTokens: 15, greedy: true}), expected);
      assert.deepEqual(await generate(p, prompt, {maxNewTokens: 15, greedy: true, kvCache: false}), expected);
      assert.deepEqual(
        await generate(p, [1, 2], {maxNewTokens: 15, beam: 1}),
        await generate(p, [1, 2], {maxNewTokens: 15, greedy: true})
      );
    });
    disposeParams(p);
  });

  it("100 generated tokens leave no tensor behind (sampling with and without the cache, and beam search)", async () => {
    const p = params(config, 11);
    await noLeak(async () => {
      const rules = {maxNewTokens: 100, temperature: 0.9, topK: 8, topP: 0.95, seed: 3};
      assert.equal((await generate(p, [1, 2, 3], rules)).length, 103);
      assert.equal((await generate(p, [1, 2, 3], {...rules, kvCache: false})).length, 103);
      assert.equal((await generate(p, [1, 2, 3], {maxNewTokens: 100, beam: 3})).length, 103);
    });
    disposeParams(p);
  });

  it("bad arguments throw a RangeError naming them", async () => {
    const p = params(config, 12);
    await noLeak(async () => {
      await assert.rejects(generate(p, [], {maxNewTokens: 3}), /at least one token/);
      await assert.rejects(
        generate(p, [13], {maxNewTokens: 3}),
        /prompt token 13 at 0 is outside \[0, vocabSize = 13\)/
      );
      await assert.rejects(generate(p, [1], {maxNewTokens: -1}), /maxNewTokens \(-1\)/);
      await assert.rejects(generate(p, [1], {maxNewTokens: 3, topP: 2}), /topP \(2\)/);
      await assert.rejects(generate(p, [1], {maxNewTokens: 3, beam: 0}), /beam width \(0\)/);
    });
    disposeParams(p);
  });
});

describe("beam search", () => {
  it("beam width 1 gives the greedy tokens, with and without a stop id", async () => {
    const p = params(config, 13);
    await noLeak(async () => {
      const greedy = await generate(p, [5, 6], {maxNewTokens: 25, greedy: true});
      assert.deepEqual(await generate(p, [5, 6], {maxNewTokens: 25, beam: 1}), greedy);
      const stop = [greedy[6]];
      assert.deepEqual(
        await generate(p, [5, 6], {maxNewTokens: 25, beam: 1, stop}),
        await generate(p, [5, 6], {maxNewTokens: 25, greedy: true, stop})
      );
    });
    disposeParams(p);
  });

  it("beam search finds a likelier sequence than greedy when the likeliest first token leads nowhere", async () => {
    // From 0: greedy takes 1 (0.54), after which every token has 0.25; 2 (0.44) is followed by 3 with 0.97.
    const p = bigram([
      [0.01, 0.54, 0.44, 0.01],
      [0.25, 0.25, 0.25, 0.25],
      [0.01, 0.01, 0.01, 0.97],
      [0.97, 0.01, 0.01, 0.01]
    ]);
    await noLeak(async () => {
      assert.deepEqual(await generate(p, [0], {maxNewTokens: 2, greedy: true}), [0, 1, 0]); // 0.54 · 0.25 = 0.135
      const best = await run(beamSearch(p, [0], {width: 2, maxNewTokens: 2}));
      assert.deepEqual(best.tokens, [2, 3]); // 0.44 · 0.97 = 0.4268
      assertClose([best.logProb, best.score], [log(0.44 * 0.97), log(0.44 * 0.97) / 2], 1e-5);
      assert.ok(best.logProb > log(0.54 * 0.25));
    });
    disposeParams(p);
  });

  it("the length-normalised score (α = 1) prefers 3 likely tokens to 1 unlikely stop; the plain sum (α = 0) does not", async () => {
    // [3] ends at once with 0.35; [1, 1, 1] has 0.55 · 0.7 · 0.7 = 0.2695 in all but 0.646 per token.
    const uniform4 = [0.25, 0.25, 0.25, 0.25];
    const p = bigram([[0.05, 0.55, 0.05, 0.35], [0.1, 0.7, 0.1, 0.1], uniform4, uniform4]);
    await noLeak(async () => {
      const opts = {width: 2, maxNewTokens: 3, stop: [3]};
      const normalised = await run(beamSearch(p, [0], opts));
      assert.deepEqual(normalised.tokens, [1, 1, 1]);
      assertClose([normalised.score], [log(0.2695) / 3], 1e-5);
      const plain = await run(beamSearch(p, [0], {...opts, lengthPenalty: 0}));
      assert.deepEqual(plain.tokens, [3]);
      assertClose([plain.score], [log(0.35)], 1e-5);
    });
    disposeParams(p);
  });

  it("beamSearch yields the live hypotheses after each token, most likely first", async () => {
    const p = params(config, 14);
    await noLeak(async () => {
      const search = beamSearch(p, [1], {width: 3, maxNewTokens: 4});
      for (let i = 0; i < 4; i++) {
        const {value} = await search.next();
        const {index, beams} = value as {index: number; beams: Hypothesis[]};
        assert.equal(index, i);
        assert.equal(beams.length, 3);
        assert.ok(beams.every((h) => h.tokens.length === i + 1));
        assert.ok(beams[0].logProb >= beams[1].logProb && beams[1].logProb >= beams[2].logProb);
      }
      assert.equal((await search.next()).done, true);
    });
    disposeParams(p);
  });
});

/** Drains a beam search and returns its best hypothesis. */
async function run(search: AsyncGenerator<unknown, Hypothesis>): Promise<Hypothesis> {
  let result = await search.next();
  while (!result.done) result = await search.next();
  return result.value;
}
