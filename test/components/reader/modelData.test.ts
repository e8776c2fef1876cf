import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {attentionStats, maskRows} from "../../../src/components/reader/chapterHelpers.js";
import {paramsOf, runModel, shapeOf} from "../../../src/components/reader/modelData.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const shape = (m: number[][]) => [m.length, m[0].length];

describe("runModel", () => {
  it("runModel(model) reads back every tensor a chapter draws, in the documented shapes", async () => {
    const model = {...DEFAULT_MODEL, text: "abcab", blockSize: 4, nEmbd: 8, nHead: 2, nLayer: 2, dFF: 12};
    const d = await runModel(model);
    assert.deepEqual(d.tokens, ["a", "b", "c", "a"]);
    assert.deepEqual(d.ids, [0, 1, 2, 0]);
    assert.deepEqual(
      [shape(d.wte), shape(d.wpe!), shape(d.sinusoids)],
      [
        [3, 8],
        [4, 8],
        [4, 8]
      ]
    );
    assert.deepEqual(
      [shape(d.tokEmb), shape(d.posEmb), shape(d.emb), shape(d.mask)],
      [
        [4, 8],
        [4, 8],
        [4, 8],
        [4, 4]
      ]
    );
    assert.equal(d.layers.length, 2);
    const l = d.layers[0];
    assert.deepEqual([l.q.length, ...shape(l.q[0])], [2, 4, 4]);
    assert.deepEqual([l.att.length, ...shape(l.att[0])], [2, 4, 4]);
    assert.deepEqual(
      [shape(l.concat), shape(l.mlpHidden), shape(l.cAttn), shape(l.cProj)],
      [
        [4, 8],
        [4, 12],
        [8, 24],
        [8, 8]
      ]
    );
    assert.deepEqual(l.concat[3], [...l.heads[0][3], ...l.heads[1][3]], "concat puts the heads side by side");
    assert.equal(l.masked[0][0][1], -Infinity, "masked scores are −∞ above the diagonal");
    assert.deepEqual(d.mask[0], [0, -Infinity, -Infinity, -Infinity]);
    assert.equal(d.wpe === null, false);
    assert.equal((await runModel({...model, positional: "sinusoidal"})).wpe, null);
  });

  it("runModel keeps one set of weights per config and seed, and no other tensor", async () => {
    const model = {...DEFAULT_MODEL, nEmbd: 8};
    await runModel(model);
    const before = tf.memory().numTensors;
    const params = paramsOf(model);
    await runModel({...model, text: "not to be or to be"}); // the same vocabulary, so the same config
    await runModel(model, {causal: false});
    assert.equal(paramsOf(model), params, "same weights while config and seed are unchanged");
    assert.equal(tf.memory().numTensors, before);
    await runModel({...model, seed: 2});
    assert.notEqual(paramsOf({...model, seed: 2}), params);
    assert.equal(tf.memory().numTensors, before, "the replaced weights were freed");
  });

  it("the causal mask keeps the weights after each query at 0; without it they are positive, rows still sum to 1", async () => {
    const masked = await runModel(DEFAULT_MODEL);
    const open = await runModel(DEFAULT_MODEL, {causal: false});
    const a = attentionStats(masked.layers[0].att);
    const b = attentionStats(open.layers[0].att);
    assert.equal(a.future, 0);
    assert.ok(b.future > 1, `future weight ${b.future}`);
    assert.ok(a.maxRowError < 1e-5 && b.maxRowError < 1e-5);
    assert.ok(open.mask.flat().every((v) => v === 0));
    assert.deepEqual(open.layers[0].q, masked.layers[0].q, "the mask does not touch q");
  });
});

describe("shapeOf and maskRows", () => {
  it("shapeOf gives a run's config and tokens without its seed or a forward pass; maskRows is the run's mask", async () => {
    const model = {...DEFAULT_MODEL, text: "hello world", blockSize: 8};
    const before = tf.memory().numTensors;
    const {seed: _, ...sizes} = model;
    const shape = shapeOf(sizes);
    assert.equal(tf.memory().numTensors, before, "no weights made");
    for (const seed of [1, 2]) {
      const run = await runModel({...model, seed});
      assert.deepEqual(shape.config, run.config);
      assert.deepEqual(shape.tokens, run.tokens);
      assert.deepEqual(shape.context.ids, run.ids);
      assert.equal(shape.trained, null);
      assert.deepEqual(await maskRows(run.tokens.length, true), run.mask);
      const open = await runModel({...model, seed}, {causal: false});
      assert.deepEqual(await maskRows(run.tokens.length, false), open.mask);
    }
    const after = tf.memory().numTensors;
    await maskRows(3, true);
    await maskRows(3, false);
    assert.equal(tf.memory().numTensors, after, "maskRows leaks nothing");
  });
});
