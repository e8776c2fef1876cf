// How a model is trained: the settings of a run, checked, and the published recipes as named presets.
import type {AdamWSettings} from "./optim.js";
import {learningRate, makeSchedule, type Schedule, type ScheduleKind} from "./schedule.js";

/** Everything a training run is told, besides the model and the data. */
export interface TrainSettings {
  steps: number; // the run's length: training goes up to this many updates
  batchSize: number; // sequences per micro-batch
  gradAccum: number; // micro-batches per update: each update sees batchSize · gradAccum sequences
  lr: number; // the peak learning rate
  schedule: ScheduleKind; // constant, or cosine from lr down to minLr at the last step
  warmup: number; // updates of linear warmup first (0: none)
  minLr: number; // cosine: the floor
  beta1: number; // AdamW's first-moment decay
  beta2: number; // AdamW's second-moment decay
  eps: number; // AdamW's ε
  weightDecay: number; // AdamW's decoupled weight decay λ, on 2-D weights
  clip: number | null; // clip gradients to this global norm (PyTorch's clip_grad_norm_); null: no clipping
  evalEvery: number; // validation loss every evalEvery updates, at the first and at the last (0: those only)
  evalIters: number; // validation batches per estimate
  logEvery: number; // read the training loss and gradient norm back every logEvery updates (and at the last)
}

export type RecipeName = keyof typeof RECIPES;

const TORCH = {lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01}; // torch.optim.AdamW's defaults
const ONCE = {gradAccum: 1, logEvery: 1};

/**
 * The recipes this project trains with, by name; every default in the course, the command line and the bench comes
 * from here. Each says where it comes from.
 */
export const RECIPES = Object.freeze({
  /** PyTorch's AdamW defaults, a constant learning rate and clipping at 1: tinygpt train's defaults. */
  torch: {...TORCH, ...ONCE, steps: 1000, batchSize: 12, schedule: "constant", warmup: 0, minLr: 0, clip: 1},
  /** nanoGPT's config/train_shakespeare_char.py (its "baby GPT"). */
  "nanogpt-char": {
    ...{...TORCH, ...ONCE, steps: 5000, batchSize: 64, lr: 1e-3, schedule: "cosine", warmup: 100, minLr: 1e-4},
    ...{weightDecay: 0.1, beta2: 0.99, clip: 1, evalEvery: 250, evalIters: 200}
  },
  /** The published TinyGPT recipe for the addition task: 50 epochs of the 10,000 training sums, ⌈500,000 / 128⌉ steps. */
  "seed-addition": {
    ...{...TORCH, ...ONCE, steps: 3907, batchSize: 128, lr: 5e-4, schedule: "cosine", warmup: 0, minLr: 0},
    ...{weightDecay: 0.01, clip: 1, evalEvery: 100}
  },
  /**
   * The course's addition run (chapter 8's default): 2,000 steps of batch 64, warmup 100, then cosine from 1e-3 to
   * 1e-4 with β2 0.99 — 100% on the held-out sums from step 1,750 (tinygpt train, seed 1337), in half the steps.
   */
  "course-addition": {
    ...{...TORCH, ...ONCE, steps: 2000, batchSize: 64, lr: 1e-3, schedule: "cosine", warmup: 100, minLr: 1e-4},
    ...{weightDecay: 0.01, beta2: 0.99, clip: 1, evalEvery: 100}
  },
  /** The shipped Shakespeare model's run (data/README.md): nanoGPT's character recipe at batch 12 and 2,000 steps. */
  "baby-shakespeare": {
    ...{...TORCH, ...ONCE, steps: 2000, batchSize: 12, lr: 1e-3, schedule: "cosine", warmup: 100, minLr: 1e-4},
    ...{weightDecay: 0.1, beta2: 0.99, clip: 1, evalEvery: 250, evalIters: 20}
  }
} satisfies Record<string, Omit<TrainSettings, "evalEvery" | "evalIters"> & Partial<TrainSettings>>);

export const RECIPE_NAMES = Object.keys(RECIPES) as RecipeName[];

export const isRecipeName = (name: string): name is RecipeName => Object.hasOwn(RECIPES, name);

/** A recipe's settings, complete: evalEvery defaults to a tenth of the run, evalIters to 20. */
export function recipe(name: RecipeName): TrainSettings {
  const r: Partial<TrainSettings> & Omit<TrainSettings, "evalEvery" | "evalIters"> = RECIPES[name];
  return {evalEvery: Math.max(1, Math.round(r.steps / 10)), evalIters: 20, ...r};
}

/** Throws a RangeError naming the field unless every setting is valid. */
export function checkTrainSettings(s: TrainSettings): void {
  const bad = (field: keyof TrainSettings, range: string) => {
    throw new RangeError(`${field} (${JSON.stringify(s[field])}) must be ${range}`);
  };
  const count = (field: keyof TrainSettings, min: number) => {
    const n = s[field] as number;
    if (!(Number.isSafeInteger(n) && n >= min)) bad(field, `an integer ≥ ${min}`);
  };
  count("steps", 0);
  count("batchSize", 1);
  count("gradAccum", 1);
  count("warmup", 0);
  count("evalEvery", 0);
  count("evalIters", 1);
  count("logEvery", 1);
  if (!(s.lr > 0 && Number.isFinite(s.lr))) bad("lr", "a positive number");
  if (s.schedule !== "constant" && s.schedule !== "cosine") bad("schedule", `"constant" or "cosine"`);
  if (!(s.minLr >= 0 && s.minLr <= s.lr)) bad("minLr", `in [0, lr = ${s.lr}]`);
  if (!(s.beta1 >= 0 && s.beta1 < 1)) bad("beta1", "in [0, 1)");
  if (!(s.beta2 >= 0 && s.beta2 < 1)) bad("beta2", "in [0, 1)");
  if (!(s.eps > 0 && Number.isFinite(s.eps))) bad("eps", "a positive number");
  if (!(s.weightDecay >= 0 && Number.isFinite(s.weightDecay))) bad("weightDecay", "a number ≥ 0");
  if (s.clip !== null && !(s.clip > 0 && Number.isFinite(s.clip))) bad("clip", "a positive number, or null (off)");
}

/** The learning-rate schedule of a run: its decay ends at the run's last step. */
export const scheduleOf = (s: TrainSettings): Schedule =>
  makeSchedule({kind: s.schedule, lr: s.lr, warmup: s.warmup, minLr: s.minLr, decaySteps: s.steps});

/** AdamW's settings for update i (0-based) of a run: the schedule's learning rate, the run's β, ε and λ. */
export function updateSettings(s: TrainSettings, i: number): AdamWSettings {
  return {lr: learningRate(i, scheduleOf(s)), beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay};
}
