import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig} from "../../src/gpt/config.js";
import {additionAnswer, additionPairs, additionPrompt, ADDITION_VOCAB} from "../../src/gpt/data/addition.js";
import {additionAccuracy, answerSums} from "../../src/gpt/evaluate.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {noLeak, randomise, useCpu} from "../helpers/tf.js";

before(useCpu);

/** An untrained addition-shaped model, its weights randomised so that it writes all kinds of tokens. */
function untrained(seed: number): Params {
  const params = initParams(makeConfig({vocabSize: 12, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16}), seed);
  namedParams(params).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 1));
  return params;
}

/** Greedy decoding one sum at a time with the whole sequence run every token: the reference. */
function referenceAnswer(params: Params, a: number, b: number): string {
  const ids = [...additionPrompt(a, b)].map((c) => ADDITION_VOCAB.indexOf(c));
  for (let k = 0; k < 4; k++) {
    const logits = tf.tidy(() => forward(params, tf.tensor2d([ids], [1, ids.length], "int32"))); // (1, T, V)
    const last = (logits.arraySync() as number[][][])[0].at(-1)!;
    logits.dispose();
    ids.push(last.indexOf(Math.max(...last)));
  }
  return ids
    .slice(8)
    .map((id) => ADDITION_VOCAB[id])
    .join("");
}

describe("answerSums and additionAccuracy", () => {
  const shipped = loadCheckpoint(new Uint8Array(readFileSync("data/checkpoints/addition.safetensors")));
  after(() => disposeParams(shipped.params));

  it("the shipped addition model answers sums right, digit by digit, with the probability of each digit", async () => {
    const answers = await noLeak(() =>
      answerSums(shipped.params, [
        [375, 648],
        [999, 1],
        [123, 45],
        [0, 0]
      ])
    );
    assert.deepEqual(
      answers.map(({prompt, written, answer, truth, right}) => [prompt, written, answer, truth, right]),
      [
        ["375+648=", "3201", 1023, 1023, true],
        ["999+001=", "0001", 1000, 1000, true],
        ["123+045=", "8610", 168, 168, true],
        ["000+000=", "0000", 0, 0, true]
      ]
    );
    for (const {digitRight, confidence} of answers) {
      assert.deepEqual(digitRight, [true, true, true, true]);
      assert.ok(
        confidence.every((p) => p > 0.5 && p <= 1),
        `confidence ${confidence}`
      );
    }
  });

  it("answerSums decodes greedily as the step-by-step reference does, on an untrained model, in any batch", async () => {
    const params = untrained(8);
    const pairs = additionPairs(5, 24);
    const answers = await noLeak(() => answerSums(params, pairs));
    const reference = pairs.map(([a, b]) => referenceAnswer(params, a, b));
    assert.deepEqual(
      answers.map((s) => s.written),
      reference
    );
    assert.ok(new Set(reference.join("")).size > 3, `the untrained model writes varied tokens: ${reference}`);
    for (const s of answers) {
      assert.deepEqual(
        s.digitRight,
        [...s.written].map((c, k) => c === additionAnswer(s.a, s.b)[k])
      );
      assert.equal(Number.isNaN(s.answer), /[+=]/.test(s.written), `${s.written} → ${s.answer}`);
    }
    assert.deepEqual(await answerSums(params, []), []);
    disposeParams(params);
  });

  it("additionAccuracy scores the answers answerSums gives, whole and per digit, the same in any batch size", async () => {
    const params = untrained(7);
    const pairs = additionPairs(9, 40);
    const answers = await answerSums(params, pairs);
    const exact = answers.filter((s) => s.right).length / pairs.length;
    const perPosition = [0, 1, 2, 3].map((k) => answers.filter((s) => s.digitRight[k]).length / pairs.length);
    const score = await noLeak(() => additionAccuracy(params, pairs, 7));
    assert.deepEqual(score, {n: 40, exact, perPosition});
    assert.deepEqual(await additionAccuracy(params, pairs), score);
    assert.ok(
      perPosition.some((p) => p > 0 && p < 1),
      `a mixed score: ${perPosition}`
    );
    disposeParams(params);
    const held = await noLeak(() => additionAccuracy(shipped.params, additionPairs(1, 20)));
    assert.deepEqual(held, {n: 20, exact: 1, perPosition: [1, 1, 1, 1]}, "the shipped model gets every sum right");
  });
});
