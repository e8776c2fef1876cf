import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {optimizerExtra, optimizerRecord} from "../../src/gpt/checkpointOptim.js";
import {makeConfig} from "../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {charCorpus, type Batch} from "../../src/gpt/data/corpus.js";
import {IGNORE_INDEX, crossEntropy} from "../../src/gpt/loss.js";
import {disposeTrace, forward, forwardTraced} from "../../src/gpt/model.js";
import {AdamW} from "../../src/gpt/optim.js";
import {disposeParams, initParams, namedParams, toVariable, type Params} from "../../src/gpt/params.js";
import {RECIPE_NAMES, recipe, type TrainSettings} from "../../src/gpt/recipes.js";
import {TrainingSession, type Progress} from "../../src/gpt/session.js";
import {lossParts, trainStep} from "../../src/gpt/step.js";
import {gradCheck} from "../helpers/gradcheck.js";
import {assertClose, noLeak, useCpu} from "../helpers/tf.js";

before(useCpu);
after(() => tf.setBackend("cpu"));

const T = 8;
const data = charCorpus(TOY_SENTENCES, {blockSize: T, seed: 1});
const V = data.tokenizer.vocabSize;
const small = makeConfig({vocabSize: V, blockSize: T, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0.1});
const noDropout = makeConfig({...small, dropout: 0});

const settings = (steps: number, fields: Partial<TrainSettings> = {}): TrainSettings => ({
  ...recipe("torch"),
  ...{steps, batchSize: 4, lr: 1e-2, schedule: "cosine", warmup: 2, minLr: 0, clip: 1},
  ...{evalEvery: 0, evalIters: 1, logEvery: 1},
  ...fields
});

const session = (config = small, fields: Partial<TrainSettings> = {}, seed = 7, steps = 6, set = data) =>
  new TrainingSession({params: initParams(config, 4), data: set, settings: settings(steps, fields), seed});

/** Runs the session's loop to the end; returns every Progress. */
async function run(s: TrainingSession, stopAfter = Infinity) {
  const seen: Progress[] = [];
  for await (const p of s.run()) {
    seen.push(p);
    if (p.step >= stopAfter) s.stop();
  }
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

/** Batches joined row after row: one batch of Σ B rows. */
const join = (batches: Batch[]): Batch => {
  const cat = (key: "x" | "y") => Int32Array.from(batches.flatMap((b) => Array.from(b[key])));
  return {x: cat("x"), y: cat("y"), B: batches.reduce((n, b) => n + b.B, 0), T: batches[0].T};
};

/** Batch i of the toy text with some targets ignored, more in some batches than in others. */
const partlyIgnored = (i: number, B: number): Batch => {
  const b = data.batch("train", i, B);
  const y = b.y.map((id, k) => ((k * 7 + i * 3) % (2 + i) === 0 ? IGNORE_INDEX : id));
  return {...b, y};
};

const adamw = {lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1};

describe("trainStep", () => {
  it("a step returns just the loss and the gradient norm, and the loss is the batch's cross-entropy", async () => {
    const params = initParams(noDropout, 1);
    const optimizer = new AdamW(params);
    const batch = data.batch("train", 0, 4);
    const expected = lossOf(params, batch);
    const tensors = tf.memory().numTensors;
    const {loss, gradNorm} = trainStep(params, optimizer, [batch], adamw, {clip: 1});
    assert.equal(tf.memory().numTensors, tensors + 2);
    assert.ok(Math.abs((await loss.data())[0] - (await expected.data())[0]) < 1e-6);
    assert.ok((await gradNorm.data())[0] > 0);
    tf.dispose([loss, gradNorm, expected]);
    optimizer.dispose();
    disposeParams(params);
  });

  it("k micro-batches of B give the same update as one batch of k·B (within 1e-5), ignored targets included", async () => {
    await noLeak(async () => {
      const [k, B] = [3, 4];
      const micro = Array.from({length: k}, (_, i) => partlyIgnored(i, B));
      const counts = micro.map((b) => b.y.filter((id) => id !== IGNORE_INDEX).length);
      assert.ok(new Set(counts).size > 1, `the micro-batches score different numbers of targets: ${counts}`);
      const [a, b] = [initParams(noDropout, 2), initParams(noDropout, 2)];
      const [oa, ob] = [new AdamW(a), new AdamW(b)];
      for (let step = 0; step < 2; step++) {
        const accumulated = trainStep(a, oa, micro, adamw, {clip: 0.5});
        const whole = trainStep(b, ob, [join(micro)], adamw, {clip: 0.5});
        const [la, lb] = [(await accumulated.loss.data())[0], (await whole.loss.data())[0]];
        assert.ok(Math.abs(la - lb) < 1e-5, `loss ${la} vs ${lb}`);
        const [na, nb] = [(await accumulated.gradNorm.data())[0], (await whole.gradNorm.data())[0]];
        assert.ok(Math.abs(na - nb) < 1e-5 * Math.max(1, nb), `gradient norm ${na} vs ${nb}`);
        tf.dispose([accumulated.loss, accumulated.gradNorm, whole.loss, whole.gradNorm]);
      }
      const [pa, pb] = [namedParams(a), namedParams(b)];
      for (const [i, {name, variable}] of pa.entries()) {
        assertClose(Array.from(await variable.data()), Array.from(await pb[i].variable.data()), 1e-5, name);
      }
      [oa, ob].forEach((o) => o.dispose());
      [a, b].forEach(disposeParams);
    });
  });
});

describe("TrainingSession: a run", () => {
  it("the same seed gives the same losses, another seed other losses", async () => {
    const losses = async (seed: number) => {
      const s = session(small, {}, seed, 5);
      const seen = await run(s);
      s.dispose();
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
      const straight = session(small, {weightDecay: 0.1}, 7, N);
      const whole = await run(straight);

      const first = session(small, {weightDecay: 0.1}, 7, N);
      await run(first, k);
      assert.equal(first.stepsDone, k);
      const bytes = await first.checkpoint(data.tokenizer, {note: "first"});
      first.dispose();
      const resumed = TrainingSession.fromCheckpoint(loadCheckpoint(bytes), {data, settings: settings(N), seed: 7});
      assert.equal(resumed.settings.weightDecay, 0.1, "the checkpoint's weight decay");
      const rest = await run(resumed);

      assert.deepEqual(
        rest.filter((p) => p.step > k).map((p) => p.loss),
        whole.filter((p) => p.step > k).map((p) => p.loss)
      );
      assert.deepEqual(await bits(resumed.params), await bits(straight.params));
      [straight, resumed].forEach((s) => s.dispose());
    });
  });

  it("its checkpoint has the bytes saveCheckpoint and optimizerExtra write from the tensors", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {weightDecay: 0.1, beta2: 0.95}, 7, 3);
      await run(s);
      const training = {data: {corpus: "toy"}, steps: 3};
      const record = optimizerRecord(s.optimizer, s.settings);
      const extra = optimizerExtra(s.optimizer, record);
      const direct = saveCheckpoint(s.params, data.tokenizer, {
        tensors: extra.tensors,
        metadata: {...extra.metadata, training: JSON.stringify(training)}
      });
      assert.deepEqual(await s.checkpoint(data.tokenizer, training), direct);
      const weightsOnly = await s.checkpoint(data.tokenizer, training, {weightsOnly: true});
      const loaded = loadCheckpoint(weightsOnly);
      assert.deepEqual(loaded.extra.tensors, []);
      assert.equal(loaded.extra.metadata.optimizer, undefined);
      disposeParams(loaded.params);
      s.dispose();
    });
  });

  for (const logEvery of [1, 4]) {
    it(`a non-finite loss stops the run at that step and keeps the last finite weights (read every ${logEvery})`, async () => {
      await noLeak(async () => {
        // lr 1e25: the first update sends the weights to ±1e25, so the second step's loss overflows to NaN.
        const blowUp = {schedule: "constant" as const, lr: 1e25, warmup: 0, logEvery};
        const s = session(noDropout, blowUp, 7, 10);
        const seen = await run(s);
        const last = seen.at(-1)!;
        assert.equal(last.done?.reason, "nonfinite");
        assert.match(last.done!.message, /not finite at step 2\b/);
        assert.equal(s.stepsDone, 1);
        assert.ok(seen.length <= 2 + logEvery, "stopped at the first read after the bad step");

        const oneStep = session(noDropout, blowUp, 7, 1);
        await run(oneStep);
        assert.deepEqual(await bits(s.params), await bits(oneStep.params));
        [s, oneStep].forEach((x) => x.dispose());
      });
    });
  }

  it("leaks no tensor across 50 training steps with evaluations", async () => {
    const s = session(noDropout, {evalEvery: 10, logEvery: 5}, 7, 50);
    await noLeak(async () => {
      const seen = await run(s);
      assert.equal(seen.filter((p) => p.valLoss !== null).length, 6); // steps 0, 10, …, 50
      assert.equal(seen.at(-1)!.done?.reason, "finished");
    });
    s.dispose();
  });

  it("pause, resume and stop act between steps; parked resolves once the paused run has stopped", async () => {
    const s = session(noDropout, {}, 7, 20);
    const loop = s.run();
    await loop.next(); // step 0: the initial val loss
    await loop.next(); // step 1
    assert.equal(s.running, true);
    s.pause();
    assert.equal(s.paused, true);
    let settled = false;
    const next = loop.next().then((r) => ((settled = true), r));
    await s.parked;
    assert.equal(settled, false, "no step while paused");
    assert.equal(s.stepsDone, 1);
    s.resume();
    assert.equal((await next).value!.step, 2);
    s.stop();
    const {value} = await loop.next();
    assert.deepEqual([value!.step, value!.done?.reason], [2, "stopped"]);
    assert.equal((await loop.next()).done, true);
    assert.equal(s.running, false);
    s.dispose();
  });

  it("step() and inspectStep() wait for a run to end: one thing changes the model at a time", async () => {
    const s = session(noDropout, {}, 7, 4);
    const loop = run(s);
    const stepped = s.step();
    const seen = await loop;
    assert.equal(seen.at(-1)!.step, 4);
    const {loss} = await stepped;
    assert.equal(s.stepsDone, 5);
    assert.ok(Number.isFinite(loss));
    s.dispose();
  });

  it("dispose during a run ends it, and frees the weights once the run has let go", async () => {
    const tensors = tf.memory().numTensors;
    const s = session(noDropout, {}, 7, 50);
    const seen: Progress[] = [];
    for await (const p of s.run()) {
      seen.push(p);
      if (p.step === 2) s.dispose();
    }
    assert.deepEqual([seen.at(-1)!.step, seen.at(-1)!.done?.reason], [2, "stopped"]);
    assert.equal(tf.memory().numTensors, tensors);
    await assert.rejects(s.step(), /disposed/);
  });

  it("a short run on the toy sentences drives the loss below 0.5 (wasm, the CLI's backend)", async () => {
    await tf.setBackend("wasm");
    await tf.ready();
    try {
      await noLeak(async () => {
        const toy = charCorpus(TOY_SENTENCES, {blockSize: 16, seed: 1});
        const config = makeConfig({vocabSize: V, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 32});
        const fields = {schedule: "constant" as const, lr: 1e-2, warmup: 0, batchSize: 16, logEvery: 50};
        const s = session(config, fields, 7, 250, toy);
        await run(s);
        const loss = await s.evaluate("train", 8, 16);
        assert.ok(loss < 0.5, `train loss ${loss}`);
        s.dispose();
      });
    } finally {
      await tf.setBackend("cpu");
    }
  });
});

describe("TrainingSession: settings and state", () => {
  it("configure applies from the next update; an invalid setting is refused with its field's name", async () => {
    const s = session(noDropout, {schedule: "constant", warmup: 0}, 7, 10);
    s.configure({lr: 3e-3});
    assert.equal((await s.step()).lr, 3e-3);
    const cases: [Partial<TrainSettings>, RegExp][] = [
      [{batchSize: 0}, /batchSize \(0\) must be an integer ≥ 1/],
      [{gradAccum: 1.5}, /gradAccum/],
      [{beta2: 1}, /beta2 \(1\) must be in \[0, 1\)/],
      [{clip: -1}, /clip/],
      [{minLr: 1}, /minLr \(1\) must be in \[0, lr = 0.003\]/],
      [{schedule: "linear" as never}, /schedule/]
    ];
    for (const [bad, message] of cases) assert.throws(() => s.configure(bad), message);
    assert.equal(s.settings.batchSize, 4);
    s.dispose();
  });

  it("a step whose loss is not finite is not applied: the weights and the step count stay", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {schedule: "constant", warmup: 0, lr: 1e25}, 7, 10);
      assert.equal((await s.step()).applied, true); // sends the weights to ±1e25
      const weights = await bits(s.params);
      const moments = await s.optimizer.snapshot();
      const {loss, applied} = await s.step();
      assert.deepEqual([Number.isFinite(loss), applied], [false, false]);
      assert.equal(s.stepsDone, 1);
      assert.deepEqual(await bits(s.params), weights);
      assert.deepEqual(await s.optimizer.snapshot(), moments);
      s.dispose();
    });
  });

  it("every recipe is complete and valid; the published ones say what they are", () => {
    for (const name of RECIPE_NAMES) {
      const r = recipe(name);
      assert.doesNotThrow(
        () => new TrainingSession({params: initParams(noDropout, 1), data, settings: r, seed: 1}).dispose(),
        name
      );
    }
    const seed = recipe("seed-addition");
    assert.deepEqual(
      [seed.lr, seed.weightDecay, seed.schedule, seed.minLr, seed.clip, seed.batchSize, seed.steps],
      [5e-4, 0.01, "cosine", 0, 1, 128, Math.ceil((50 * 10_000) / 128)]
    );
    const nano = recipe("nanogpt-char");
    assert.deepEqual([nano.lr, nano.minLr, nano.warmup, nano.beta2, nano.weightDecay], [1e-3, 1e-4, 100, 0.99, 0.1]);
  });

  it("snapshot, more steps, restore: the model and optimizer are back bit for bit and train on the same", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {}, 7, 10);
      await s.step();
      const saved = await s.snapshot();
      const once = await s.step();
      const after = await bits(s.params);
      await s.step();
      await s.restore(saved);
      assert.equal(s.stepsDone, 1);
      assert.deepEqual((await s.step()).loss, once.loss);
      assert.deepEqual(await bits(s.params), after);
      const rebuilt = TrainingSession.fromSnapshot(saved, {data, settings: s.settings, seed: 7});
      assert.equal(rebuilt.stepsDone, 1);
      await rebuilt.step();
      assert.deepEqual(await bits(rebuilt.params), after);
      [s, rebuilt].forEach((x) => x.dispose());
    });
  });

  it("with gradAccum k, an update draws k micro-batches and its loss is their supervised-weighted mean", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {gradAccum: 3, schedule: "constant", warmup: 0}, 7, 10);
      const batches = s.batches(0);
      assert.equal(batches.length, 3);
      assert.deepEqual(batches[1], data.batch("train", 1, 4));
      const expected = lossOf(s.params, join(batches));
      const {loss} = await s.step();
      assert.ok(Math.abs(loss - (await expected.data())[0]) < 1e-6);
      assert.deepEqual(s.batches(1)[0], data.batch("train", 3, 4));
      expected.dispose();
      s.dispose();
    });
  });
});

describe("TrainingSession: one step taken apart", () => {
  it("inspectStep reports gradients, clipping, moments, bias corrections and updates that agree", async () => {
    await noLeak(async () => {
      const clip = 0.05; // far below a fresh model's gradient norm, so clipping acts
      const s = session(noDropout, {beta2: 0.99, clip, schedule: "constant", warmup: 0, lr: 1e-3}, 7, 10);
      const batch = s.batches(0)[0];
      const ins = await s.inspectStep({commit: true});
      assert.equal(ins.t, 1);
      assert.ok(Math.abs(ins.bc1 - 0.1) < 1e-12 && Math.abs(ins.bc2 - 0.01) < 1e-12);
      assert.deepEqual([ins.x.length, ins.micro, ins.B, ins.T], [4, 1, 4, T]);
      assert.deepEqual(ins.y[0], Array.from(batch.y.subarray(0, T)));
      assert.ok(ins.gradNorm > clip);
      assert.ok(Math.abs(ins.clippedNorm - clip) < 1e-6, `clipped norm ${ins.clippedNorm}`);
      assert.ok(Math.abs(ins.clipScale - clip / (ins.gradNorm + 1e-6)) < 1e-7);
      const squares = ins.tensors.reduce((sum, p) => sum + p.grad.reduce((a, g) => a + g * g, 0), 0);
      assert.ok(Math.abs(Math.sqrt(squares) - ins.gradNorm) < 1e-4, "gradNorm is the norm of the reported gradients");
      for (const [i, p] of ins.tensors.entries()) {
        const g = Array.from(p.grad, (x) => x * ins.clipScale);
        assert.ok(p.mPrev.every((x) => x === 0) && p.vPrev.every((x) => x === 0), `${p.name} moments start at 0`);
        assertClose(
          Array.from(p.m),
          g.map((x) => 0.1 * x),
          1e-7,
          `${p.name} m after step 1 = (1 − β1)·g`
        );
        assertClose(
          Array.from(p.v),
          g.map((x) => 0.01 * x * x),
          1e-9,
          `${p.name} v after step 1 = (1 − β2)·g²`
        );
        assertClose(
          Array.from(p.after),
          Array.from(p.before, (w, j) => w + p.update[j]),
          1e-7,
          `${p.name} w + Δw`
        );
        assert.deepEqual(await s.optimizer.params[i].variable.data(), p.after, `${p.name} committed`);
      }
      assert.ok(ins.lossAfter < ins.loss, `loss after the update ${ins.lossAfter} ≥ before ${ins.loss}`);
      const fresh = lossOf(s.params, batch);
      assert.ok(Math.abs((await fresh.data())[0] - ins.lossAfter) < 1e-6);
      const rowLoss = ins.losses.flat().reduce((a, b) => a + b, 0) / ins.supervised;
      assert.ok(Math.abs(rowLoss - ins.loss) < 1e-5, "the per-position losses average to the loss");
      assert.deepEqual([ins.logits.length, ins.logits[0].length, ins.logits[0][0].length], [4, T, V]);
      assert.equal(s.stepsDone, 1);
      fresh.dispose();
      s.dispose();
    });
  });

  it("an uncommitted inspection leaves the weights and the optimizer as they were, and repeats exactly", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {}, 7, 10);
      await s.step();
      const weights = await bits(s.params);
      const moments = await s.optimizer.snapshot();
      const first = await s.inspectStep();
      assert.deepEqual(await bits(s.params), weights);
      assert.deepEqual(await s.optimizer.snapshot(), moments);
      assert.equal(s.stepsDone, 1);
      assert.deepEqual(await s.inspectStep(), first);
      const other = await s.inspectStep({draw: 1});
      assert.notDeepEqual(other.x, first.x, "draw 1 looks at another batch");
      const committed = await s.inspectStep({commit: true});
      assert.deepEqual(committed.tensors, first.tensors);
      s.dispose();
    });
  });

  it("the stream gradients are ∂loss/∂x_l and the head's ∂loss/∂h (finite differences through the probe hook), as inspectStep reports", async () => {
    await noLeak(async () => {
      const s = session(noDropout, {}, 7, 10);
      const batch = s.batches(0)[0];
      const ins = await s.inspectStep();
      assert.equal(ins.stream.length, noDropout.nLayer + 1);
      const gradsAt = [...ins.stream, ins.head.inputGrad]; // the stream at every depth, then the head's input
      const probes = gradsAt.map(() => toVariable(tf.zeros([batch.B, batch.T, noDropout.nEmbd])));
      const f = () =>
        tf.tidy(() => lossParts(s.params, batch, {training: false, probe: (l, x) => tf.add(x, probes[l])}).loss);
      for (const check of gradCheck(f, probes)) assert.ok(check.ok, JSON.stringify(check));
      const {value, grads} = tf.variableGrads(f, probes);
      for (const [l, probe] of probes.entries()) {
        assertClose(gradsAt[l].flat(2), Array.from(await grads[probe.name].data()), 1e-6, `stream ${l}`);
      }
      tf.dispose([value, ...Object.values(grads), ...probes]);
      const idx = tf.tensor2d(batch.x, [batch.B, batch.T], "int32");
      const {trace} = forwardTraced(s.params, idx);
      assertClose(ins.head.input.flat(2), Array.from(await trace.lnF!.data()), 1e-6, "the head's input: ln_f's output");
      disposeTrace(trace);
      idx.dispose();
      // The stream after the embeddings is wte[x] + wpe[t]: summed over the batch, its gradient is wpe's (rows < T).
      const wpe = ins.tensors.find((p) => p.name === "transformer.wpe.weight")!;
      const C = noDropout.nEmbd;
      const summed = Array.from({length: T * C}, (_, i) =>
        ins.stream[0].reduce((sum, row) => sum + row[Math.floor(i / C)][i % C], 0)
      );
      assertClose(summed, Array.from(wpe.grad.subarray(0, T * C)), 1e-6, "Σ_b ∂L/∂x₀ = ∂L/∂wpe");
      s.dispose();
    });
  });

  it("with gradAccum k, the inspection shows k·B rows and the loss of the accumulated update", async () => {
    await noLeak(async () => {
      const a = session(noDropout, {gradAccum: 2}, 7, 10);
      const b = session(noDropout, {gradAccum: 2}, 7, 10);
      const ins = await a.inspectStep({commit: true});
      const {loss} = await b.step();
      assert.deepEqual([ins.micro, ins.x.length, ins.stream[0].length], [2, 8, 8]);
      assert.ok(Math.abs(ins.loss - loss) < 1e-6);
      for (const [i, {variable}] of namedParams(a.params).entries()) {
        assertClose(
          Array.from(await variable.data()),
          Array.from(await namedParams(b.params)[i].variable.data()),
          1e-6
        );
      }
      [a, b].forEach((x) => x.dispose());
    });
  });
});
