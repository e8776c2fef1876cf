import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {HYPER_DEFAULTS, StepSession, type StepData} from "../../../src/components/step/stepSession.js";
import {headBackward, logitGrad, qkvGradRms, softmax} from "../../../src/components/step/backward.js";
import {makeConfig} from "../../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../../src/gpt/data/corpora.js";
import {charCorpus} from "../../../src/gpt/data/corpus.js";
import {IGNORE_INDEX} from "../../../src/gpt/loss.js";
import {initParams} from "../../../src/gpt/params.js";
import {recipe} from "../../../src/gpt/recipes.js";
import {TrainingSession} from "../../../src/gpt/session.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const small = {...DEFAULT_MODEL, nEmbd: 8, dFF: 16, blockSize: 11};

/** One inspected step of the reader's (tied) model on a corpus, with gradAccum k; every tensor freed. */
async function inspected(corpus: "addition" | "toy sentences", gradAccum = 1): Promise<StepData> {
  const start = tf.memory().numTensors;
  const session = new StepSession(small, corpus);
  const step = await session.inspect({t: 1, draw: 0, hyper: {...HYPER_DEFAULTS, batchSize: 2, gradAccum}});
  session.dispose();
  assert.equal(tf.memory().numTensors, start, "tensors left behind");
  return step;
}

describe("the backward pass by hand", () => {
  it("softmax(row) is positive, sums to 1 and survives large logits", () => {
    const p = softmax([1000, 1001, 999]);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(p[1] > p[0] && p[0] > p[2] && p[2] > 0);
  });

  it("∂ℓ/∂logits = softmax − one-hot(y): p − 1 at the target, p elsewhere, rows summing to 0, 0 where ignored", async () => {
    const step = await inspected("addition");
    const g = logitGrad(step, 0);
    assert.equal(g.length, step.T);
    for (const [t, row] of g.entries()) {
      const y = step.y[0][t];
      if (y === IGNORE_INDEX) {
        assert.ok(
          row.every((v) => v === 0),
          `position ${t} is ignored`
        );
        continue;
      }
      const p = Math.exp(-step.losses[0][t]);
      assert.ok(Math.abs(row[y] - (p - 1)) < 1e-5, `position ${t}: ${row[y]} vs ${p - 1}`);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0)) < 1e-9, "a row of softmax − one-hot sums to 0");
      assert.ok(row.every((v, id) => id === y || v > 0));
    }
  });

  for (const [corpus, k] of [
    ["toy sentences", 1],
    ["addition", 2]
  ] as const) {
    it(`the tied head's xᵀ·∂L/∂y and ∂L/∂y·Wᵀ equal autodiff's (${corpus}, k = ${k})`, async () => {
      const step = await inspected(corpus, k);
      const h = headBackward(step);
      assert.equal(h.tied, true);
      assert.equal(h.weight, "transformer.wte.weight");
      assert.deepEqual([h.dW.length, h.dW[0].length], [small.nEmbd, step.logits[0][0].length]);
      assert.deepEqual([h.dX.length, h.dX[0].length], [k * 2 * step.T, small.nEmbd]);
      assert.ok(h.maxW > 1e-4 && h.maxX > 1e-5, `gradients ${h.maxW}, ${h.maxX} are not all zero`);
      assert.ok(h.diffW <= 1e-4 * h.maxW, `∂L/∂W differs by ${h.diffW} (largest ${h.maxW})`);
      assert.ok(h.diffX <= 1e-4 * h.maxX, `∂L/∂x differs by ${h.diffX} (largest ${h.maxX})`);
    });
  }

  it("an untied head compares with lm_head's own gradient", async () => {
    const start = tf.memory().numTensors;
    const data = charCorpus(TOY_SENTENCES, {blockSize: 8, seed: 1});
    const config = makeConfig({vocabSize: data.tokenizer.vocabSize, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8});
    const untied = makeConfig({...config, tieWeights: false});
    const settings = {...recipe("nanogpt-char"), batchSize: 2, schedule: "constant" as const, warmup: 0};
    const session = new TrainingSession({params: initParams(untied, 3), data, settings, seed: 3});
    const step = {...(await session.inspectStep()), draw: 0};
    session.dispose();
    assert.equal(tf.memory().numTensors, start);
    const h = headBackward(step);
    assert.deepEqual([h.tied, h.weight], [false, "lm_head.weight"]);
    assert.ok(h.diffW <= 1e-4 * h.maxW && h.diffX <= 1e-4 * h.maxX, `${h.diffW}/${h.maxW}, ${h.diffX}/${h.maxX}`);
  });

  it("at initialisation c_attn's q and k columns get a far smaller gradient than its v columns", async () => {
    const step = await inspected("toy sentences");
    const cAttn = step.tensors.find((t) => t.name === "transformer.h.0.attn.c_attn.weight")!;
    const {q, k, v} = qkvGradRms(cAttn);
    assert.ok(v > 0 && q < v / 10 && k < v / 10, `q ${q}, k ${k}, v ${v}`);
    const bias = step.tensors.find((t) => t.name === "transformer.h.0.attn.c_attn.bias")!;
    const C = small.nEmbd;
    const kBias = Array.from(bias.grad.subarray(C, 2 * C));
    const vBias = Array.from(bias.grad.subarray(2 * C));
    const largest = (a: number[]) => Math.max(...a.map(Math.abs));
    assert.ok(largest(kBias) < 1e-6 * largest(vBias), `k's bias moves no score of a row relative to another`);
  });
});
