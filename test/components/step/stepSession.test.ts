import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {DEFAULT_MODEL, type ReaderModel} from "../../../src/components/reader/readerModel.js";
import {HYPER_DEFAULTS, StepSession} from "../../../src/components/step/stepSession.js";
import {corpusProblem, stepCorpus} from "../../../src/components/step/stepCorpus.js";
import {microBatches} from "../../../src/components/step/stepDetail.js";
import {IGNORE_INDEX} from "../../../src/gpt/loss.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const small: ReaderModel = {...DEFAULT_MODEL, blockSize: 8, nEmbd: 8, nHead: 2, nLayer: 2, dFF: 16};
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe("StepSession", () => {
  it("inspect({t: 1}) with the defaults is one real AdamW step: the loss falls, every tensor is freed, the numbers agree", async () => {
    const start = tf.memory().numTensors;
    const session = new StepSession(small, "toy sentences");
    const held = tf.memory().numTensors;
    const step = await session.inspect({t: 1, draw: 0, hyper: HYPER_DEFAULTS});
    assert.equal(tf.memory().numTensors, held, "the step left tensors behind");
    assert.ok(step.lossAfter < step.loss, `${step.lossAfter} ≥ ${step.loss}`);
    assert.equal(step.t, 1);
    assert.deepEqual(
      step.tensors.map((t) => t.name),
      session.names
    );
    const mean = step.losses.flat().reduce((a, b) => a + b, 0) / step.supervised;
    close(mean, step.loss, 1e-5, "mean per-position loss");
    assert.equal(step.stream.length, small.nLayer + 1);
    assert.deepEqual([step.stream[0].length, step.stream[0][0].length, step.stream[0][0][0].length], [4, 8, 8]);
    const {beta1, lr} = HYPER_DEFAULTS;
    for (const t of step.tensors) {
      for (let i = 0; i < t.before.length; i += 7) {
        close(t.after[i], t.before[i] + t.update[i], 1e-6, `${t.name} after`);
        close(t.m[i], (1 - beta1) * step.clipScale * t.grad[i], 1e-6, `${t.name} m`);
        assert.equal(t.mPrev[i], 0);
      }
      assert.ok(Math.max(...t.update.map(Math.abs)) <= lr * 1.2, `${t.name}: the first Adam step moves by about lr`);
    }
    close(step.clippedNorm, Math.min(step.gradNorm, HYPER_DEFAULTS.clip!), 1e-4, "clipped norm");
    session.dispose();
    assert.equal(tf.memory().numTensors, start, "dispose frees the session");
  });

  it("run(n) trains the session's own weights, one loss per step, and the next inspected step is t = n + 1", async () => {
    const session = new StepSession(small, "toy sentences");
    const held = tf.memory().numTensors;
    const seen: number[] = [];
    const stop = session.subscribe((p) => seen.push(p.losses.length));
    await session.run(5, {...HYPER_DEFAULTS, lr: 1e-2});
    stop();
    assert.equal(tf.memory().numTensors, held);
    const progress = session.progress();
    assert.equal(progress.steps, 5);
    assert.equal(progress.losses.length, 5);
    assert.ok(seen.includes(5));
    assert.ok(progress.losses[4] < progress.losses[0], progress.losses.join(", "));
    assert.equal((await session.inspect({t: 6, draw: 0, hyper: HYPER_DEFAULTS})).t, 6);
    session.dispose();
  });

  it("an inspection asked for during a run waits for it to end, leaves its settings alone, and shows the next update", async () => {
    const alone = new StepSession(small, "toy sentences");
    await alone.run(3, {...HYPER_DEFAULTS, lr: 1e-2});
    const session = new StepSession(small, "toy sentences");
    const applied: number[] = [];
    const stop = session.onApplied((n) => applied.push(n));
    const run = session.run(3, {...HYPER_DEFAULTS, lr: 1e-2});
    const step = await session.inspect({t: 1, draw: 0, hyper: {...HYPER_DEFAULTS, lr: 1e-4}});
    await run;
    stop();
    assert.equal(step.t, 4, "the update after the run");
    assert.equal(step.settings.lr, 1e-4);
    assert.deepEqual(session.progress().losses, alone.progress().losses, "the run kept its own learning rate");
    assert.deepEqual(applied, [0, 3], "onApplied: now, and once the run ended");
    alone.dispose();
    session.dispose();
  });

  it("with accumulate k = 2 the step has 2·B rows in 2 micro-batches, weights their losses, and lowers the loss", async () => {
    const session = new StepSession(small, "toy sentences");
    const held = tf.memory().numTensors;
    const one = await session.inspect({t: 1, draw: 0, hyper: HYPER_DEFAULTS});
    const step = await session.inspect({t: 1, draw: 0, hyper: {...HYPER_DEFAULTS, gradAccum: 2}});
    assert.equal(tf.memory().numTensors, held, "the step left tensors behind");
    const B = HYPER_DEFAULTS.batchSize;
    assert.deepEqual(
      [step.B, step.micro, step.x.length, step.losses.length, step.stream[0].length],
      [B, 2, 2 * B, 2 * B, 2 * B]
    );
    assert.deepEqual(step.x.slice(0, B), one.x, "the first micro-batch is the batch of k = 1");
    assert.notDeepEqual(step.x.slice(B), one.x);
    assert.ok(step.lossAfter < step.loss, `${step.lossAfter} ≥ ${step.loss}`);
    const micro = microBatches(step);
    assert.deepEqual(
      micro.map(({first, rows, scored}) => [first, rows, scored]),
      [
        [0, B, B * 8],
        [B, B, B * 8]
      ]
    );
    const weighted = micro.reduce((sum, m) => sum + (m.scored / step.supervised) * m.loss, 0);
    close(weighted, step.loss, 1e-5, "Σ N_j/N · L_j");
    assert.notEqual(micro[0].loss, micro[1].loss);
    session.dispose();
  });

  it("the addition task supervises only the answer digits: ignored targets have no loss", async () => {
    const session = new StepSession(small, "addition");
    const step = await session.inspect({t: 1, draw: 2, hyper: {...HYPER_DEFAULTS, batchSize: 3}});
    assert.equal(step.T, 11);
    assert.equal(session.config.blockSize, 11);
    assert.equal(step.supervised, 12);
    step.y.forEach((row, b) =>
      row.forEach((id, t) => assert.equal(Number.isNaN(step.losses[b][t]), id === IGNORE_INDEX, `(${b}, ${t})`))
    );
    session.dispose();
  });
});

describe("stepCorpus", () => {
  it("stepCorpus shortens T only where the data requires it, and says why", () => {
    assert.equal(stepCorpus("toy sentences", "x", 16, 1).T, 16);
    const long = stepCorpus("toy sentences", "x", 64, 1);
    assert.ok(long.T < 64 && long.note);
    const text = stepCorpus("your sample text", "to be or not", 16, 1);
    assert.equal(text.T, 11);
    assert.match(text.note!, /12-character/);
    assert.throws(
      () => stepCorpus("your sample text", "a", 16, 1),
      /^Error: sample text has 1 character; .* at least 2/
    );
    assert.equal(
      corpusProblem("your sample text", "a"),
      "sample text has 1 character; one (x, y) pair takes at least 2"
    );
    assert.equal(corpusProblem("your sample text", "ab"), null);
    assert.equal(corpusProblem("toy sentences", "a"), null, "only the sample text is read");
    const b = text.data.batch("train", 0, 2);
    assert.deepEqual([b.B, b.T, b.x.length], [2, 11, 22]);
  });
});
