import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {makeConfig} from "../../src/gpt/config.js";
import {ADDITION_VOCAB} from "../../src/gpt/data/addition.js";
import {answerSums} from "../../src/gpt/evaluate.js";
import {answerAttention, inside} from "../../src/gpt/inside.js";
import {KVCache, nextLogits} from "../../src/gpt/kvcache.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {noLeak, randomise, useCpu} from "../helpers/tf.js";

before(useCpu);

const config = makeConfig({vocabSize: 12, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16});

function model(seed: number): Params {
  const params = initParams(config, seed);
  namedParams(params).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.5));
  return params;
}

describe("inside", () => {
  it("reads every layer's causal attention, and the keys and values a KV cache holds after the same ids", async () => {
    const params = model(3);
    const ids = [1, 5, 10, 2, 11, 7];
    const found = await noLeak(() => inside(params, ids));
    assert.deepEqual(found.ids, ids);
    assert.deepEqual([found.att.length, found.att[0].length, found.att[0][0].length], [2, 2, 6]);
    for (const row of found.att.flat(2)) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    found.att.flat(2).forEach((row, n) => {
      const q = n % 6;
      assert.ok(
        row.slice(q + 1).every((p) => p === 0),
        `query ${q} reads no later position`
      );
    });
    const cache = new KVCache();
    await noLeak(async () => {
      await nextLogits(params, [ids], cache);
      const held = await cache.read(); // [layer].k: (1, nh, T, hs)
      cache.clear();
      held.forEach((layer, l) => {
        layer.k[0].flat(2).forEach((x, i) => assert.ok(Math.abs(x - found.k[l].flat(2)[i]) < 1e-5));
        layer.v[0].flat(2).forEach((x, i) => assert.ok(Math.abs(x - found.v[l].flat(2)[i]) < 1e-5));
      });
    });
    disposeParams(params);
  });

  it("reads only the last blockSize ids of a longer text", async () => {
    const params = model(4);
    const ids = Array.from({length: 20}, (_, i) => i % 12);
    const found = await noLeak(() => inside(params, ids));
    assert.deepEqual(found.ids, ids.slice(-12));
    assert.equal(found.att[1][1].length, 12);
    disposeParams(params);
  });
});

describe("answerAttention", () => {
  it("gives, per layer and head and as each layer's mean, the attention rows of the positions that predict each digit", async () => {
    const params = model(5);
    const [sum] = await answerSums(params, [[375, 648]]);
    const read = await noLeak(() => answerAttention(params, sum));
    assert.deepEqual(read.keys, [..."375+648=", ...sum.written.slice(0, 3)]);
    const whole = await inside(
      params,
      read.keys.map((c) => ADDITION_VOCAB.indexOf(c))
    );
    assert.deepEqual(
      read.maps,
      whole.att.map((layer) => layer.map((head) => [7, 8, 9, 10].map((q) => head[q])))
    );
    const [l, d, k] = [1, 2, 5];
    assert.ok(Math.abs(read.means[l][d][k] - (read.maps[l][0][d][k] + read.maps[l][1][d][k]) / 2) < 1e-12);
    assert.deepEqual([read.means.length, read.means[0].length, read.means[0][0].length], [2, 4, 11]);
    disposeParams(params);
  });
});
