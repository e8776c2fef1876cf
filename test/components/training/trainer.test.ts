import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../../src/gpt/checkpoint.js";
import {disposeParams, namedParams} from "../../../src/gpt/params.js";
import {recipe} from "../../../src/gpt/recipes.js";
import {CORPORA, TOY_SENTENCES} from "../../../src/gpt/data/corpora.js";
import {trainBpe} from "../../../src/gpt/tokenizer.js";
import {checkText, readingProblem, savedLabel, trainData} from "../../../src/components/training/trainData.js";
import type {DataSource} from "../../../src/components/training/trainData.js";
import {modelShape, MODEL_CHOICES, trainConfig} from "../../../src/components/training/modelChoice.js";
import {formOf, lrCurve, runPlan, type RunForm} from "../../../src/components/training/runSettings.js";
import {autosave} from "../../../src/components/training/autosave.js";
import type {SavedCheckpoint} from "../../../src/components/checkpoints/checkpointStore.js";
import {Trainer} from "../../../src/components/training/trainer.js";
import {useCpu} from "../../helpers/tf.js";
import {until} from "../../helpers/trainer.js";

before(useCpu);

/** 1,200 characters, every one different: too many for a character vocabulary (256 at most here). */
const HANZI = Array.from({length: 1200}, (_, i) => String.fromCodePoint(0x4e00 + i)).join("");
const toy: DataSource = {choice: "toy sentences", text: null, origin: null};
const addition: DataSource = {choice: "addition", text: null, origin: null};
const tiny = {nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32, blockSize: 16};
const course = formOf(recipe("course-addition"));
const quick: RunForm = {...course, steps: 12, batchSize: 8, lr: 1e-2, warmup: 2, evalEvery: 4, sampleEvery: 6};
const plan = (form: RunForm) => runPlan(form, "course-addition");

function session(source: DataSource, seed = 3): Trainer {
  const data = trainData(source, tiny.blockSize, seed);
  return new Trainer(data, trainConfig(tiny, data, 0), seed);
}

describe("trainData and the model choice", () => {
  it("trainData sizes the splits and caps the window by the validation split", () => {
    const data = trainData(toy, 64, 1);
    assert.equal(data.sizes.unit, "characters");
    assert.ok(data.T < 64 && data.note, "the toy sentences' val split is short");
    const sums = trainData(addition, 64, 1);
    assert.deepEqual([sums.sizes.train, sums.sizes.val, sums.T], [10_000, 1000, 11]);
    assert.equal(trainConfig(tiny, sums, 0).blockSize, 12);
  });

  it("trainData reads a text as a BPE learned as tinygpt train's bpe:N, in tokens, with the val split's bytes", () => {
    const fables = {choice: "fables", text: null, origin: null} as const;
    const data = trainData(fables, 64, 1, "BPE, 300 tokens");
    const text = CORPORA.fables();
    assert.deepEqual(data.dataset.tokenizer.toJSON(), trainBpe(text, {vocabSize: 300, pattern: "gpt2"}).toJSON());
    assert.equal(data.tokenizer, "bpe:300");
    assert.equal(data.sizes.unit, "tokens");
    assert.equal(data.vocab.length, 300);
    assert.equal(data.vocab[300 - 1], data.dataset.tokenizer.tokenString(299));
    const ids = data.dataset.tokenizer.encode(text);
    assert.equal(data.sizes.train + data.sizes.val, ids.length);
    const val = ids.slice(Math.floor(0.9 * ids.length));
    const bytes = new TextEncoder().encode(data.dataset.tokenizer.decode(val)).length;
    assert.deepEqual(data.valText, {tokens: val.length, bytes});
    assert.ok(bytes / val.length > 1.5, `a BPE token stands for more than a byte: ${bytes / val.length}`);
    const chars = trainData(fables, 64, 1);
    assert.deepEqual([chars.tokenizer, chars.sizes.unit], ["char", "characters"]);
    assert.equal(chars.valText!.bytes, chars.valText!.tokens, "the fables are ASCII: a byte per character");
  });

  it("trainData: a text that runs out of pairs gets as many BPE tokens as it allows, named and noted", () => {
    const data = trainData(toy, 64, 1, "BPE, 512 tokens");
    const most = trainBpe(TOY_SENTENCES, {vocabSize: 10_000, pattern: "gpt2", allowFewer: true});
    assert.equal(data.vocab.length, most.vocabSize);
    assert.equal(data.tokenizer, `bpe:${most.vocabSize}`);
    assert.match(data.note!, new RegExp(`runs out of pairs to merge at ${most.vocabSize} tokens`));
  });

  it("checkText refuses short and binary texts with a reason, and lets any alphabet through", () => {
    assert.match(checkText("abc")!, /at least 1000/);
    assert.match(checkText("a\u0000".repeat(600))!, /NUL/);
    assert.equal(checkText("to be or not to be ".repeat(60)), null);
    assert.equal(checkText(HANZI), null, "a BPE reads it; only the character tokenizer has a limit");
    assert.throws(() => trainData({choice: "your text", text: "short", origin: "pasted"}, 16, 1), /at least/);
  });

  it("more than 256 distinct characters are refused for the character tokenizer only; a BPE reads the text", () => {
    const source: DataSource = {choice: "your text", text: HANZI, origin: "hanzi.txt"};
    const refused = readingProblem(source, "characters");
    assert.match(refused!, /^the text has 1200 distinct characters; at most 256 make a character vocabulary here/);
    assert.throws(() => trainData(source, 16, 1), /1200 distinct characters/);
    assert.equal(readingProblem(source, "BPE, 300 tokens"), null);
    const data = trainData(source, 16, 1, "BPE, 300 tokens");
    assert.equal(data.tokenizer, "bpe:300");
    assert.equal(data.dataset.tokenizer.decode(data.dataset.tokenizer.encode(HANZI)), HANZI, "every character read");
    assert.equal(savedLabel(data), "hanzi.txt as 300 BPE tokens");
    assert.equal(
      readingProblem({choice: "your text", text: "to be or not ".repeat(100), origin: null}, "characters"),
      null
    );
    assert.equal(savedLabel(trainData(toy, 16, 1)), "the toy sentences in characters");
    assert.equal(savedLabel(trainData(addition, 16, 1)), "the addition task");
  });

  it("lrCurve draws warmup then cosine down to lr / 10", () => {
    const curve = lrCurve(plan({...course, schedule: "warmup + cosine", steps: 1000, warmup: 100, lr: 1e-3}).settings);
    const peak = Math.max(...curve.map((p) => p.lr));
    assert.ok(Math.abs(peak - 1e-3) < 2e-5);
    assert.ok(Math.abs(curve.at(-1)!.lr - 1e-4) < 1e-6);
    assert.ok(curve[0].lr < 2e-5);
    const cosine = lrCurve(plan({...course, schedule: "cosine", steps: 1000, lr: 1e-3}).settings);
    assert.equal(cosine[0].lr, 1e-3);
    assert.ok(cosine.at(-1)!.lr < 1e-7, "plain cosine decays to 0");
    assert.equal(modelShape(MODEL_CHOICES[0]).nLayer, 1);
  });
});

describe("Trainer", () => {
  it("a short run lowers the loss, evaluates, samples and leaves no tensors behind", async () => {
    const start = tf.memory().numTensors;
    const s = session(toy);
    const held = tf.memory().numTensors;
    s.configure(plan(quick));
    s.start();
    const done = await until(s, (state) => state.status === "finished" && state.probe !== null);
    assert.equal(done.step, 12);
    assert.equal(done.train.length, 12);
    assert.ok(
      done.train.at(-1)!.value < done.train[0].value,
      `loss ${done.train[0].value} → ${done.train.at(-1)!.value}`
    );
    assert.deepEqual(
      done.val.map((p) => p.step),
      [0, 4, 8, 12]
    );
    assert.deepEqual(
      done.samples.map((p) => p.step),
      [0, 6, 12]
    );
    assert.equal(new Set(done.memory.map((m) => m.numTensors)).size, 1, "tensors grew during the run");
    assert.equal(tf.memory().numTensors, held);
    s.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("pause holds the step, resume continues, stop ends the run and a later start goes on from there", async () => {
    const s = session(addition);
    s.configure(plan({...quick, steps: 40}));
    s.start();
    await until(s, (state) => state.step >= 3);
    await assert.rejects(s.save(), /pause or stop training first/);
    s.pause();
    const paused = await until(s, (state) => state.status === "paused");
    const saved = await s.save();
    assert.ok(saved.step - paused.step <= 1, "saved between two steps");
    await new Promise((r) => setTimeout(r, 100));
    const held = await until(s, () => true);
    assert.ok(held.step - paused.step <= 1, "at most the step in flight finishes");
    s.resume();
    await until(s, (state) => state.step >= held.step + 3);
    s.stop();
    const stopped = await until(s, (state) => state.status === "stopped" && state.probe !== null);
    assert.ok(stopped.step < 40);
    assert.ok(stopped.accuracy.length >= 1 && stopped.accuracy[0].digits.length === 4);
    s.configure(plan({...quick, steps: stopped.step + 2}));
    s.start();
    const more = await until(s, (state) => state.status === "finished");
    assert.equal(more.step, stopped.step + 2);
    s.dispose();
  });

  it("save and load give back the same model; a bad file or another vocabulary is refused and the model kept", async () => {
    const a = session(toy);
    a.configure(plan(quick));
    a.start();
    const trained = await until(a, (state) => state.status === "finished" && state.probe !== null);
    const {bytes, name, step} = await a.save();
    assert.match(name, /^tinygpt-the-toy-sentences-step12\.safetensors$/);
    const b = session(toy);
    await b.load(bytes, name);
    const loaded = await until(b, (state) => state.probe !== null);
    assert.equal(loaded.step, step);
    assert.equal(loaded.probe, trained.probe, "identical outputs");
    await assert.rejects(b.load(new Uint8Array([1, 2, 3]), "junk"), /./);
    const c = session(addition);
    await assert.rejects(c.load(bytes, name), /vocabulary is not that of the addition task .*toy sentences/);
    assert.equal((await until(b, () => true)).probe, trained.probe, "the model was kept");
    for (const s of [a, b, c]) s.dispose();
  });

  it("a loss that blows up (lr 10,000) fails the run with a message and keeps the last finite step, savable", async () => {
    const s = session(toy);
    s.configure(plan({...quick, steps: 30, lr: 1e4, warmup: 0, clip: 0, schedule: "constant"}));
    s.start();
    const failed = await until(s, (state) => state.status === "failed" && state.probe !== null);
    const {step} = failed;
    assert.ok(step > 0 && step < 30, `stopped at step ${step}`);
    assert.equal(
      failed.message,
      `The loss blew up: the loss or the gradient norm is not finite at step ${step + 1}: stopped, keeping the weights after step ${step}. Try a lower learning rate.`
    );
    const saved = await s.save();
    assert.equal(saved.step, step);
    const kept = loadCheckpoint(saved.bytes);
    const values = namedParams(kept.params).flatMap((p) => Array.from(p.variable.dataSync()));
    assert.ok(values.length > 0 && values.every(Number.isFinite), "the saved weights are finite");
    disposeParams(kept.params);
    const b = session(toy);
    await b.load(saved.bytes, saved.name);
    const loaded = await until(b, (state) => state.probe !== null);
    assert.deepEqual([loaded.step, loaded.probe], [step, failed.probe], "the saved model is the last finite one");
    for (const x of [s, b]) x.dispose();
  });

  it("a run whose training memory is over the budget is not started, with the estimate", async () => {
    const s = session(toy);
    s.configure(plan({...quick, batchSize: 1_000_000}));
    s.start();
    const state = await until(s, () => true);
    assert.equal(state.status, "ready");
    assert.match(
      state.message!,
      /^Not started: training needs about [\d.]+ GB .* over the 2 GB budget: use a smaller model or batch\.$/
    );
    s.dispose();
  });

  it("autosave stores the CPU copy at the end of a run, and at evaluations at most every interval; it loads at its step", async () => {
    for (const [everyMs, steps] of [
      [1e9, [12]],
      [0, [4, 8, 12]]
    ] as const) {
      const s = session(toy);
      const stored: SavedCheckpoint[] = [];
      const stop = autosave(s, {everyMs, store: async (saved) => void stored.push(saved)});
      s.configure(plan(quick));
      s.start();
      const done = await until(s, (state) => state.status === "finished" && state.probe !== null);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(
        stored.map((c) => c.step),
        [...steps]
      );
      const last = stored.at(-1)!;
      assert.deepEqual(
        [last.name, last.label],
        ["tinygpt-the-toy-sentences-step12.safetensors", "the toy sentences in characters"]
      );
      const b = session(toy);
      await b.load(last.bytes, "the autosave");
      const loaded = await until(b, (state) => state.probe !== null);
      assert.deepEqual([loaded.step, loaded.probe], [12, done.probe], "the autosave is the trained model");
      stop();
      for (const x of [s, b]) x.dispose();
    }
  });
});
