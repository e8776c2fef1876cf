import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {modelFlow, runOutput, topTokens} from "../../../src/components/reader/outputData.js";
import {DEFAULT_MODEL, toConfig} from "../../../src/components/reader/readerModel.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

describe("outputData", () => {
  it("runOutput(model) gives logits and probabilities for every position, the loss on the next characters, ~ln V", async () => {
    const model = {...DEFAULT_MODEL, text: "abcabcab", blockSize: 8};
    const before = tf.memory().numTensors;
    const out = await runOutput(model);
    assert.ok(tf.memory().numTensors <= before + 64, "only the page's cached weights stay");
    const V = 3;
    assert.deepEqual([out.logits.length, out.logits[0].length, out.probs[7].length], [8, V, V]);
    out.probs.forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5));
    assert.deepEqual(out.targets, [1, 2, 0, 1, 2, 0, 1, null], "the last position has no next character");
    assert.equal(out.losses.at(-1), null);
    out.losses.slice(0, 7).forEach((l, t) => assert.ok(Math.abs(l! + Math.log(out.probs[t][out.targets[t]!])) < 1e-4));
    assert.ok(Math.abs(out.loss! - Math.log(V)) < 0.1, `${out.loss} vs ln 3`);
    assert.equal(out.tied, true);
    assert.ok(out.tiedCheck !== null && out.tiedCheck < 1e-5);
    assert.ok(!out.weightNames.includes("lm_head.weight"));
    assert.equal(out.saved, V * model.nEmbd);
  });

  it("modelFlow(config, T) goes from (B, T) ids through one box per block to (B, T, V) probabilities", () => {
    const config = toConfig(DEFAULT_MODEL);
    const flow = modelFlow(config, 5);
    assert.deepEqual(flow[0].shape, [1, 5]);
    assert.deepEqual(flow.at(-1)!.shape, [1, 5, config.vocabSize]);
    assert.equal(flow.filter((s) => s.op?.startsWith("block")).length, config.nLayer);
    assert.equal(flow.find((s) => s.label === "h")!.op, "· W_teᵀ");
  });

  it("topTokens(probs, vocab, n) lists the n most likely tokens, ties to the lower id", () => {
    assert.deepEqual(
      topTokens([0.2, 0.5, 0.2, 0.1], ["a", "b", "c", "d"], 3).map((t) => t.token),
      ["b", "a", "c"]
    );
  });
});
