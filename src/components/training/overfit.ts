// Chapter 8's over-fitting demonstration: a model far larger than its data (the small model, 2 layers × 64, on the
// sixteen toy sentences) trained long at a high rate without weight decay, until it recites its training text and the
// validation loss turns up while the training loss keeps falling.
import type {GPTConfig} from "../../gpt/config.js";
import {MODEL_CHOICES, modelShape, trainConfig} from "./modelChoice.js";
import {formOf, runPlan, type RunPlan} from "./runSettings.js";
import {recipe} from "../../gpt/recipes.js";
import {trainData, type TrainData} from "./trainData.js";
import type {Point, TrainState} from "./trainState.js";

/** The run: 300 steps of 16 windows at a constant 3e-3, no weight decay, evaluated every 10 steps. */
export const OVERFIT = Object.freeze({model: MODEL_CHOICES[1], steps: 300, batchSize: 16, lr: 3e-3, evalEvery: 10});

/** The demonstration's data, model and run (seed 1337, as the page's default). */
export function overfitRun(seed = 1337): {data: TrainData; config: GPTConfig; plan: RunPlan} {
  const data = trainData(
    {choice: "toy sentences", text: null, origin: null},
    modelShape(OVERFIT.model).blockSize,
    seed
  );
  const config = trainConfig(modelShape(OVERFIT.model), data, 0);
  const {steps, batchSize, lr, evalEvery} = OVERFIT;
  const form = {...formOf(recipe("nanogpt-char")), steps, batchSize, lr, evalEvery};
  const plan = runPlan({...form, schedule: "constant", warmup: 0, weightDecay: 0, sampleEvery: steps}, "nanogpt-char");
  return {data, config, plan};
}

/** Where the curves part: the lowest validation loss, the last, and the training loss (mean of 10 steps) at each. */
export interface Parting {
  best: Point; // the lowest validation loss so far
  last: Point; // the latest
  trainAtBest: number;
  trainAtLast: number;
}

export function parting(state: Pick<TrainState, "train" | "val">): Parting | null {
  if (state.val.length < 2) return null;
  const best = state.val.reduce((a, b) => (b.value < a.value ? b : a));
  const last = state.val.at(-1)!;
  const trainNear = (step: number) => {
    const near = state.train.filter((p) => p.step <= step && p.step > step - 10).map((p) => p.value);
    return near.length ? near.reduce((a, b) => a + b, 0) / near.length : NaN;
  };
  return {best, last, trainAtBest: trainNear(best.step), trainAtLast: trainNear(last.step)};
}

/** The parting in words, once there is one. */
export function partingText(p: Parting | null): string {
  if (!p) return "Start the run: the sentence here will say where the curves part.";
  const at = (x: Point) => `${x.value.toFixed(2)} at step ${x.step}`;
  if (p.last.step === p.best.step) {
    return `The validation loss is still falling: ${at(p.last)}, the training loss ${p.trainAtLast.toFixed(2)}.`;
  }
  const rose = p.last.value - p.best.value;
  return (
    `The validation loss was lowest, ${at(p.best)} (training loss ${p.trainAtBest.toFixed(2)}), and is ` +
    `${at(p.last)} now, ${rose >= 0 ? `${rose.toFixed(2)} higher` : `${(-rose).toFixed(2)} lower`}, while the ` +
    `training loss went on to ${p.trainAtLast.toFixed(2)}.`
  );
}
