// A device lost mid-training (WebGPU's GPUDevice.lost; here the wasm backend, through the library's backendLost):
// the run stops, the model is rebuilt on the next backend from the trainer's last snapshot, and it can be saved,
// loaded and trained on. Its own file: it removes a backend from this process's TF.js registry.
import {test} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {backendLost, initBackend} from "../../../src/gpt/backend.js";
import {recipe} from "../../../src/gpt/recipes.js";
import {trainData, type DataSource} from "../../../src/components/training/trainData.js";
import {trainConfig} from "../../../src/components/training/modelChoice.js";
import {formOf, runPlan, type RunForm} from "../../../src/components/training/runSettings.js";
import {Trainer} from "../../../src/components/training/trainer.js";
import {until} from "../../helpers/trainer.js";

const toy: DataSource = {choice: "toy sentences", text: null, origin: null};
const tiny = {nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32, blockSize: 16};
const course = formOf(recipe("course-addition"));
const settings: RunForm = {...course, steps: 200, batchSize: 8, lr: 1e-2, warmup: 2, evalEvery: 4, sampleEvery: 50};
const plan = (form: RunForm) => runPlan(form, "course-addition");

function session(): Trainer {
  const data = trainData(toy, tiny.blockSize, 3);
  return new Trainer(data, trainConfig(tiny, data, 0), 3);
}

test("a device lost mid-run stops it, restores the last copied step on the next backend, and it saves and trains on", async () => {
  assert.equal((await initBackend({order: ["wasm", "cpu"]})).active, "wasm");
  const s = session();
  const copies: number[] = [];
  s.onSnapshot((snapshot) => copies.push(snapshot.optimizer.step));
  s.configure(plan(settings));
  s.start();
  await until(s, (state) => state.step >= 10);
  const copied = copies.at(-1)!;
  assert.ok(copied >= 8, `a copy at an evaluation: ${copies}`);
  await backendLost("GPU reset for the test");
  assert.equal(tf.getBackend(), "cpu");
  const stopped = await until(s, (state) => state.status === "stopped" && /device was lost/.test(state.message ?? ""));
  const kept = copies.at(-1)!;
  assert.ok(kept >= copied, "the latest copy is the one restored");
  assert.equal(stopped.step, kept);
  assert.match(
    stopped.message!,
    new RegExp(
      `^The wasm device was lost at step (\\d+); the model from step ${kept} is restored on cpu: Save it, or Start to continue\\.$`
    )
  );
  assert.ok(Number(/at step (\d+)/.exec(stopped.message!)![1]) >= kept);
  assert.ok(stopped.train.length === kept && stopped.train.at(-1)!.step === kept, "the history is cut back to it");

  const saved = await s.save();
  assert.equal(saved.step, kept);
  const b = session();
  await b.load(saved.bytes, saved.name);
  assert.equal((await until(b, (state) => state.probe !== null)).step, kept, "the saved checkpoint loads");
  b.dispose();

  s.configure(plan({...settings, steps: kept + 3}));
  s.start();
  const more = await until(s, (state) => state.status === "finished");
  assert.equal(more.step, kept + 3, "Start continues on the new backend");
  assert.ok(more.train.slice(-3).every((p) => Number.isFinite(p.value)));
  s.dispose();
});
