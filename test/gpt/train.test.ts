import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {loadOptimizer, optimizerExtra} from "../../src/gpt/checkpointOptim.js";
import {makeConfig} from "../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {charCorpus, type Batch} from "../../src/gpt/data/corpus.js";
import {estimateLoss} from "../../src/gpt/evaluate.js";
import {crossEntropy} from "../../src/gpt/loss.js";
import {forward} from "../../src/gpt/model.js";
import {AdamW} from "../../src/gpt/optim.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {readTensors} from "../../src/gpt/readback.js";
import {makeSchedule, type Schedule} from "../../src/gpt/schedule.js";
import {disposeInspection, trainStep} from "../../src/gpt/step.js";
import {RunControl, train, type Progress, type TrainOptions} from "../../src/gpt/train.js";
import {assertClose, noLeak, useCpu} from "../helpers/tf.js";

before(useCpu);
after(() => tf.setBackend("cpu"));

const T = 8;
const data = charCorpus(TOY_SENTENCES, {blockSize: T, seed: 1});
const V = data.tokenizer.vocabSize;
const small = makeConfig({vocabSize: V, blockSize: T, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0.1});
const noDropout = makeConfig({...small, dropout: 0});

const options = (steps: number, fields: Partial<TrainOptions> = {}): TrainOptions => ({
  steps,
  batchSize: 4,
  schedule: makeSchedule({kind: "cosine", lr: 1e-2, warmup: 2, decaySteps: steps}),
  clip: 1,
  seed: 7,
  evalEvery: 0,
  evalIters: 1,
  logEvery: 1,
  ...fields
});

/** Runs the loop to the end; returns every Progress. */
async function run(params: Params, optimizer: AdamW, opts: TrainOptions, control?: RunControl) {
  const seen: Progress[] = [];
  for await (const p of train(params, optimizer, data, opts, control)) seen.push(p);
  return seen;
}

const bits = async (params: Params) =>
  Promise.all(
    namedParams(params).map(async ({variable}) => Array.from(new Uint32Array((await variable.data()).buffer)))
  );

/** The batch's mean cross-entropy through loss.ts and model.ts, without dropout. */
const lossOf = (params: Params, batch: Batch) =>
  tf.tidy(() => {
    const x = tf.tensor2d(batch.x, [batch.B, batch.T], "int32");
    const y = tf.tensor2d(batch.y, [batch.B, batch.T], "int32");
    return crossEntropy(forward(params, x), y);
  });

describe("trainStep", () => {
  it("a plain step returns just the loss and the gradient norm, and the loss is the batch's cross-entropy", async () => {
    const params = initParams(noDropout, 1);
    const optimizer = new AdamW(params);
    const batch = data.batch("train", 0, 4);
    const expected = lossOf(params, batch);
    const before = tf.memory().numTensors;
    const {loss, gradNorm, inspection} = trainStep(params, optimizer, batch, {lr: 1e-3, clip: 1});
    assert.equal(inspection, null);
    assert.equal(tf.memory().numTensors, before + 2);
    assert.ok(Math.abs((await loss.data())[0] - (await expected.data())[0]) < 1e-6);
    assert.ok((await gradNorm.data())[0] > 0);
    tf.dispose([loss, gradNorm, expected]);
    optimizer.dispose();
    disposeParams(params);
  });

  it("an inspected step reports gradients, clipping, moments, bias corrections and updates that agree", async () => {
    await noLeak(async () => {
      const params = initParams(noDropout, 2);
      const optimizer = new AdamW(params, {beta1: 0.9, beta2: 0.99});
      const batch = data.batch("train", 1, 4);
      const before = await bits(params);
      const clip = 0.05; // far below a fresh model's gradient norm, so clipping acts
      const {loss, gradNorm, inspection} = trainStep(params, optimizer, batch, {lr: 1e-3, clip, inspect: true});
      const ins = await readTensors(inspection!);
      assert.equal(ins.step, 1);
      assert.ok(Math.abs(ins.biasCorrection1 - 0.1) < 1e-12 && Math.abs(ins.biasCorrection2 - 0.01) < 1e-12);
      assert.equal(ins.batch.x.length, 4);
      assert.deepEqual(ins.batch.y[0], Array.from(batch.y.subarray(0, T)));
      assert.ok(ins.gradNorm > clip);
      assert.ok(Math.abs(ins.clippedNorm - clip) < 1e-6, `clipped norm ${ins.clippedNorm}`);
      assert.ok(Math.abs(ins.clipScale - clip / (ins.gradNorm + 1e-6)) < 1e-7);
      const flat = (x: unknown) => [x].flat(Infinity) as number[];
      const squares = ins.params.reduce((s, p) => s + flat(p.grad).reduce((a, g) => a + g * g, 0), 0);
      assert.ok(Math.abs(Math.sqrt(squares) - ins.gradNorm) < 1e-4, "gradNorm is the norm of the reported gradients");
      for (const [i, p] of ins.params.entries()) {
        const g = flat(p.grad).map((x) => x * ins.clipScale);
        assertClose(
          flat(p.m),
          g.map((x) => 0.1 * x),
          1e-7,
          `${p.name} m after step 1 = (1 − β1)·g`
        );
        assertClose(
          flat(p.v),
          g.map((x) => 0.01 * x * x),
          1e-9,
          `${p.name} v after step 1 = (1 − β2)·g²`
        );
        const was = new Float32Array(new Uint32Array(before[i]).buffer);
        const now = Array.from(await optimizer.params[i].variable.data());
        assertClose(
          now,
          Array.from(was).map((w, j) => w + flat(p.update)[j]),
          1e-7,
          `${p.name} p + update`
        );
      }
      assert.ok(ins.lossAfter < ins.loss, `loss after the update ${ins.lossAfter} ≥ before ${ins.loss}`);
      const fresh = lossOf(params, batch);
      assert.ok(Math.abs((await fresh.data())[0] - ins.lossAfter) < 1e-6);
      disposeInspection(inspection!);
      tf.dispose([loss, gradNorm, fresh]);
      optimizer.dispose();
      disposeParams(params);
    });
  });
});

describe("training loop", () => {
  it("the same seed gives the same losses, another seed other losses", async () => {
    const losses = async (seed: number) => {
      const params = initParams(small, 3);
      const optimizer = new AdamW(params);
      const seen = await run(params, optimizer, options(5, {seed}));
      optimizer.dispose();
      disposeParams(params);
      return seen.filter((p) => p.step > 0).map((p) => p.loss);
    };
    const first = await losses(7);
    assert.equal(first.length, 5);
    assert.deepEqual(await losses(7), first);
    assert.notDeepEqual(await losses(8), first); // other dropout masks
  });

  it("N steps equal k steps, a checkpoint, a reload and N − k steps, bit for bit", async () => {
    await noLeak(async () => {
      const [N, k] = [6, 3];
      const straight = initParams(small, 4);
      const optimizer = new AdamW(straight, {weightDecay: 0.1});
      const whole = await run(straight, optimizer, options(N));

      const first = initParams(small, 4);
      const firstOptimizer = new AdamW(first, {weightDecay: 0.1});
      await run(first, firstOptimizer, options(N), stopAt(k));
      assert.equal(firstOptimizer.step, k);
      const bytes = saveCheckpoint(first, data.tokenizer, optimizerExtra(firstOptimizer));
      const loaded = loadCheckpoint(bytes);
      const resumed = loadOptimizer(loaded)!;
      const rest = await run(loaded.params, resumed, options(N));

      assert.deepEqual(
        rest.filter((p) => p.step > k).map((p) => p.loss),
        whole.filter((p) => p.step > k).map((p) => p.loss)
      );
      assert.deepEqual(await bits(loaded.params), await bits(straight));
      [optimizer, firstOptimizer, resumed].forEach((o) => o.dispose());
      [straight, first, loaded.params].forEach(disposeParams);
    });
  });

  for (const logEvery of [1, 4]) {
    it(`a non-finite loss stops the run at that step and keeps the last finite weights (read every ${logEvery})`, async () => {
      await noLeak(async () => {
        // lr 1e25: the first update sends the weights to ±1e25, so the second step's loss overflows to NaN.
        const schedule: Schedule = {kind: "constant", lr: 1e25, warmup: 0, decaySteps: 10, minLr: 0};
        const params = initParams(noDropout, 5);
        const optimizer = new AdamW(params);
        const seen = await run(params, optimizer, options(10, {schedule, logEvery}));
        const last = seen.at(-1)!;
        assert.equal(last.done?.reason, "nonfinite");
        assert.match(last.done!.message, /not finite at step 2\b/);
        assert.equal(optimizer.step, 1);
        assert.ok(seen.length <= 2 + logEvery, "stopped at the first read after the bad step");

        const oneStep = initParams(noDropout, 5);
        const reference = new AdamW(oneStep);
        await run(oneStep, reference, options(1, {schedule}));
        assert.deepEqual(await bits(params), await bits(oneStep));
        [optimizer, reference].forEach((o) => o.dispose());
        [params, oneStep].forEach(disposeParams);
      });
    });
  }

  it("leaks no tensor across 50 training steps with evaluations", async () => {
    const params = initParams(noDropout, 6);
    const optimizer = new AdamW(params);
    await noLeak(async () => {
      const seen = await run(params, optimizer, options(50, {evalEvery: 10, logEvery: 5}));
      assert.equal(seen.filter((p) => p.valLoss !== null).length, 6); // steps 0, 10, …, 50
      assert.equal(seen.at(-1)!.done?.reason, "finished");
    });
    optimizer.dispose();
    disposeParams(params);
  });

  it("RunControl pauses, resumes and stops a run between steps", async () => {
    const params = initParams(noDropout, 7);
    const optimizer = new AdamW(params);
    const control = new RunControl();
    const loop = train(params, optimizer, data, options(20), control);
    await loop.next(); // step 0: the initial val loss
    await loop.next(); // step 1
    control.pause();
    let settled = false;
    const next = loop.next().then((r) => ((settled = true), r));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(settled, false, "no step while paused");
    assert.equal(optimizer.step, 1);
    control.resume();
    assert.equal((await next).value!.step, 2);
    control.stop();
    const {value} = await loop.next();
    assert.deepEqual([value!.step, value!.done?.reason], [2, "stopped"]);
    assert.equal((await loop.next()).done, true);
    optimizer.dispose();
    disposeParams(params);
  });

  it("a short run on the toy sentences drives the loss below 0.5 (wasm, the CLI's backend)", async () => {
    await tf.setBackend("wasm");
    await tf.ready();
    try {
      await noLeak(async () => {
        const toy = charCorpus(TOY_SENTENCES, {blockSize: 16, seed: 1});
        const config = makeConfig({vocabSize: V, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 32});
        const params = initParams(config, 1);
        const optimizer = new AdamW(params);
        const schedule = makeSchedule({lr: 1e-2, decaySteps: 250});
        for await (const _ of train(params, optimizer, toy, {...options(250), schedule, batchSize: 16, logEvery: 50}));
        const loss = await estimateLoss(params, toy, "train", 16, 8);
        assert.ok(loss < 0.5, `train loss ${loss}`);
        optimizer.dispose();
        disposeParams(params);
      });
    } finally {
      await tf.setBackend("cpu");
    }
  });
});

/** A control that stops the run once `step` updates are done. */
function stopAt(step: number): RunControl {
  const control = new RunControl();
  const wait = control.wait.bind(control);
  let calls = 0;
  control.wait = () => {
    if (++calls > step) control.stop();
    return wait();
  };
  return control;
}
