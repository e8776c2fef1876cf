// Chapter 8's run sized for the reader's machine: time a few updates, an evaluation and a sample of a throwaway copy
// of the model on the active backend, then choose the number of steps that makes the run take about a minute.
import type {GPTConfig} from "../../gpt/config.js";
import {initParams} from "../../gpt/params.js";
import {TrainingSession} from "../../gpt/session.js";
import {heldOutAccuracy, trainingSample} from "./probes.js";
import type {RunForm, RunPlan} from "./runSettings.js";
import type {TrainData} from "./trainData.js";

/** What one update, one evaluation and one sample took on this backend (milliseconds). */
export interface RunTiming {
  batchSize: number;
  stepMs: number; // one update, after a first one that compiled the kernels
  evalMs: number; // the validation loss (and, for sums, the accuracy on 200 held-out sums)
  sampleMs: number; // what the model writes at a sample
}

/**
 * Times a throwaway copy of the model with the plan's batch size: an update after a first one that compiled the
 * kernels, an evaluation and a sample; frees it again. Throws as soon as the signal aborts (the page moved on).
 */
export async function timeRun(
  data: TrainData,
  config: GPTConfig,
  seed: number,
  plan: RunPlan,
  signal?: AbortSignal
): Promise<RunTiming> {
  const {settings} = plan;
  const session = new TrainingSession({params: initParams(config, seed), data: data.dataset, settings, seed});
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    signal?.throwIfAborted();
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  try {
    await timed(() => session.step()); // the first update compiles the kernels the next ones reuse
    const stepMs = await timed(() => session.step());
    const evalMs = await timed(async () => {
      await session.evaluate("val");
      if (data.addition) await heldOutAccuracy(session.params, data, 0);
    });
    const sampleMs = await timed(() => trainingSample(session.params, data, 0));
    return {batchSize: settings.batchSize, stepMs, evalMs, sampleMs};
  } finally {
    session.dispose();
  }
}

/** How often something done every `every` steps happens in a run of `steps`: at the start, every `every`, at the end. */
export const occurrences = (steps: number, every: number): number =>
  1 + Math.floor(steps / every) + (steps % every === 0 ? 0 : 1);

/** The seconds a run of the form takes with this timing: its updates, evaluations and samples. */
export const runSeconds = (form: RunForm, t: RunTiming): number =>
  (form.steps * t.stepMs +
    occurrences(form.steps, form.evalEvery) * t.evalMs +
    occurrences(form.steps, form.sampleEvery) * t.sampleMs) /
  1000;

/**
 * The run that takes about `seconds`, at most the recipe's steps and at least 10. It evaluates up to 11 times and
 * samples up to 9, fewer when they are slow (evaluations take at most a quarter of the time, samples a tenth); the
 * updates get the rest. The recipe's warmup shrinks with the run.
 */
export function sizedForm(form: RunForm, timing: RunTiming, seconds = 60): RunForm {
  const budget = seconds * 1000;
  const evaluations = Math.min(11, Math.max(2, Math.floor(budget / 4 / timing.evalMs)));
  const samples = Math.min(9, Math.max(2, Math.floor(budget / 10 / timing.sampleMs)));
  const overhead = (evaluations + 1) * timing.evalMs + (samples + 1) * timing.sampleMs; // + 1: the last step's
  const steps = Math.max(10, Math.min(form.steps, Math.floor((budget - overhead) / timing.stepMs)));
  const warmup = Math.round((form.warmup * steps) / form.steps / 10) * 10; // the form's warmup moves in tens
  const evalEvery = Math.max(1, Math.ceil(steps / (evaluations - 1)));
  return {...form, steps, warmup, evalEvery, sampleEvery: Math.max(1, Math.ceil(steps / (samples - 1)))};
}
