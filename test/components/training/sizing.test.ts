// Chapter 8's run sized for the machine: timing a throwaway copy of the model leaves nothing behind and measures
// something, and the steps chosen fit the time with their evaluations and samples, within the recipe's length.
import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {recipe} from "../../../src/gpt/recipes.js";
import {formOf, recipePlan} from "../../../src/components/training/runSettings.js";
import {occurrences, runSeconds, sizedForm, timeRun, type RunTiming} from "../../../src/components/training/sizing.js";
import {trainData} from "../../../src/components/training/trainData.js";
import {trainConfig} from "../../../src/components/training/modelChoice.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const course = formOf(recipe("course-addition")); // 2,000 steps, warmup 100
const timing = (stepMs: number, evalMs = 0, sampleMs = 0): RunTiming => ({batchSize: 64, stepMs, evalMs, sampleMs});

describe("sizing chapter 8's run", () => {
  it("sizedForm: the steps that fill the minute after 11 evaluations and 9 samples, counted as the run makes them", () => {
    const t = timing(100, 500, 200);
    const form = sizedForm(course, t); // (60,000 − 12 · 500 − 10 · 200) / 100
    assert.equal(form.steps, 520);
    assert.deepEqual([form.evalEvery, form.sampleEvery, form.warmup], [52, 65, 30]);
    assert.deepEqual([occurrences(520, 52), occurrences(520, 65)], [11, 9]);
    assert.ok(Math.abs(runSeconds(form, t) - 60) < 1, `${runSeconds(form, t)} s`);
    assert.equal(form.lr, course.lr, "the rest is the recipe's");
  });

  it("sizedForm: slow evaluations are fewer (a quarter of the minute at most), and the updates get the rest", () => {
    const t = timing(600, 4000, 150); // chapter 8's addition model on wasm, two busy cores
    const form = sizedForm(course, t);
    assert.equal(occurrences(form.steps, form.evalEvery), 3);
    assert.ok(runSeconds(form, t) <= 60 && runSeconds(form, t) > 55, `${runSeconds(form, t)} s`);
  });

  it("occurrences: at the start, every so often, and at the end", () => {
    assert.deepEqual([occurrences(20, 10), occurrences(23, 10), occurrences(5, 10)], [3, 4, 2]);
  });

  it("sizedForm: never more than the recipe's steps, never fewer than 10", () => {
    assert.deepEqual(sizedForm(course, timing(1)), {...course, evalEvery: 200, sampleEvery: 250});
    assert.equal(sizedForm(course, timing(10_000)).steps, 10);
    assert.equal(sizedForm(course, timing(1, 100_000)).steps, 10, "evaluations alone take more than the minute");
  });

  it("timeRun times an update, an evaluation and a sample of a throwaway model, and frees it", async () => {
    const data = trainData({choice: "toy sentences", text: null, origin: null}, 16, 1);
    const config = trainConfig({nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32, blockSize: 16}, data, 0);
    const before = tf.memory().numTensors;
    const t = await timeRun(data, config, 1, recipePlan("baby-shakespeare"));
    assert.equal(tf.memory().numTensors, before);
    assert.equal(t.batchSize, 12);
    for (const ms of [t.stepMs, t.evalMs, t.sampleMs]) assert.ok(ms > 0 && Number.isFinite(ms), JSON.stringify(t));
    const aborted = AbortSignal.abort();
    await assert.rejects(timeRun(data, config, 1, recipePlan("baby-shakespeare"), aborted));
    assert.equal(tf.memory().numTensors, before);
  });
});
