// Chapter 8's run settings: a named recipe (gpt/recipes.ts) fills the form; the form, over that recipe, is the run.
import {recipe, scheduleOf, type RecipeName, type TrainSettings} from "../../gpt/recipes.js";
import {scheduleCurve} from "../../gpt/schedule.js";

/** The recipes the page offers: the course's, the published seed addition recipe, the shipped model's, nanoGPT's. */
export const PAGE_RECIPES = ["course-addition", "seed-addition", "baby-shakespeare", "nanogpt-char"] as const;
export type PageRecipe = (typeof PAGE_RECIPES)[number];

/** The recipe a run on this data starts from: the course's addition run, or the shipped Shakespeare model's. */
export const defaultRecipe = (addition: boolean): PageRecipe => (addition ? "course-addition" : "baby-shakespeare");

/** The schedules the form offers; "warmup + cosine" decays to lr / 10, as nanoGPT does, "cosine" to 0. */
export const SCHEDULES = ["constant", "cosine", "warmup + cosine"] as const;
export type ScheduleChoice = (typeof SCHEDULES)[number];

/** The peak learning rates and the β2 the form offers: every offered recipe's among them. */
export const LEARNING_RATES = [1e-4, 3e-4, 5e-4, 1e-3, 3e-3, 1e-2] as const;
export const BETA2S = [0.95, 0.99, 0.999] as const;

/** The settings as the form shows them and the reader edits them. */
export interface RunForm {
  steps: number;
  batchSize: number;
  lr: number; // the peak learning rate
  schedule: ScheduleChoice;
  warmup: number; // warmup + cosine only
  weightDecay: number;
  beta2: number;
  clip: number; // 0: no clipping
  evalEvery: number; // validation loss (and, for addition, accuracy) every this many updates
  sampleEvery: number; // what the model writes, every this many updates
}

/** A run as the page trains it: the library's settings, and how often the model is asked to write. */
export interface RunPlan {
  settings: TrainSettings;
  sampleEvery: number;
}

/** Validation batches per evaluation: fewer than the recipes' 20, so that evaluating costs a browser little. */
const EVAL_ITERS = 4;

/** A run's settings as the form shows them; it samples eight times in a run. */
export function formOf(s: TrainSettings): RunForm {
  const plain = s.warmup === 0 && s.minLr === 0;
  const schedule = s.schedule === "constant" ? "constant" : plain ? "cosine" : "warmup + cosine";
  const {steps, batchSize, lr, warmup, weightDecay, beta2, evalEvery} = s;
  const sampleEvery = Math.max(1, Math.round(steps / 8));
  return {steps, batchSize, lr, schedule, warmup, weightDecay, beta2, clip: s.clip ?? 0, evalEvery, sampleEvery};
}

/** The run a form describes, over the recipe it started from (which gives what the form does not show: β1, ε, …). */
export function runPlan(form: RunForm, name: RecipeName): RunPlan {
  const nanoGPT = form.schedule === "warmup + cosine";
  const settings: TrainSettings = {
    ...recipe(name),
    ...{steps: form.steps, batchSize: form.batchSize, lr: form.lr},
    ...{
      schedule: form.schedule === "constant" ? "constant" : "cosine",
      warmup: nanoGPT ? Math.min(form.warmup, form.steps) : 0
    },
    ...{minLr: nanoGPT ? form.lr / 10 : 0, weightDecay: form.weightDecay, beta2: form.beta2},
    ...{clip: form.clip > 0 ? form.clip : null, evalEvery: form.evalEvery, evalIters: EVAL_ITERS}
  };
  return {settings, sampleEvery: Math.max(1, form.sampleEvery)};
}

/** A recipe as the page runs it, unedited. */
export const recipePlan = (name: RecipeName): RunPlan => runPlan(formOf(recipe(name)), name);

/** The learning rate the run's updates will use, for drawing the schedule before training. */
export const lrCurve = (s: TrainSettings) => scheduleCurve(scheduleOf(s), s.steps);
