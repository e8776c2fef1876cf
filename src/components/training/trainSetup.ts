// Chapter 8's settings: which model to train (a preset or the reader's own model) and the run's hyperparameters,
// with the learning-rate schedule they make.
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import {PRESETS} from "../../gpt/presets.js";
import {EXAMPLE_LENGTH} from "../../gpt/data/addition.js";
import {RECIPES, scheduleOf, type TrainSettings} from "../../gpt/recipes.js";
import {learningRate} from "../../gpt/schedule.js";
import type {ReaderModel} from "../reader/readerModel.js";
import {loadModel, STORAGE_KEY} from "../reader/modelStorage.js";
import type {TrainData} from "./trainData.js";

type Shape = Pick<GPTConfig, "nLayer" | "nHead" | "nEmbd" | "dFF" | "blockSize"> & Partial<GPTConfig>;

const NO_BIAS = {qkvBias: false, projBias: false, mlpBias: false, lnBias: false};
const {nLayer, nHead, nEmbd, dFF} = PRESETS.addition;

/** The models this page trains, by the name the reader picks; blockSize is the longest window on text. */
const MODELS: Readonly<Record<string, Shape | null>> = Object.freeze({
  "tiny · 1 layer × 32": {nLayer: 1, nHead: 2, nEmbd: 32, dFF: 128, blockSize: 32},
  "small · 2 layers × 64": {nLayer: 2, nHead: 4, nEmbd: 64, dFF: 256, blockSize: 64},
  "addition · 4 layers × 64": {nLayer, nHead, nEmbd, dFF, blockSize: 64},
  "shakespeare · 4 layers × 128": {...{nLayer: 4, nHead: 4, nEmbd: 128}, dFF: 512, blockSize: 64},
  "yours, from chapters 1–7": null
});
export const MODEL_CHOICES = Object.keys(MODELS);
export const DEFAULT_MODEL_CHOICE = MODEL_CHOICES[2];
const BIASLESS = new Set([MODEL_CHOICES[3]]);

/** The reader's model as chapters 1–7 left it (URL, then localStorage, then the defaults). */
export function readerModel(): ReaderModel {
  return loadModel(location.search, stored()).model;
}

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The shape (layers, heads, widths, blockSize) of a model choice. */
export function modelShape(choice: string): Shape {
  const shape = MODELS[choice];
  if (shape === undefined) throw new Error(`unknown model ${JSON.stringify(choice)}`);
  if (shape) return BIASLESS.has(choice) ? {...shape, ...NO_BIAS} : shape;
  const {nLayer, nHead, nEmbd, dFF, blockSize, positional, activation, norm} = readerModel();
  return {nLayer, nHead, nEmbd, dFF, blockSize, positional, activation, norm};
}

/** The config to train on some data: the vocabulary and window come from the data (addition: 12 positions). */
export function trainConfig(shape: Shape, data: TrainData, dropout: number): GPTConfig {
  const {nLayer, nHead, nEmbd, dFF, positional, activation, norm} = shape;
  const extra = Object.fromEntries(
    Object.entries({positional, activation, norm, ...pickBiases(shape)}).filter(([, v]) => v !== undefined)
  );
  const blockSize = data.addition ? EXAMPLE_LENGTH : data.T;
  return makeConfig({vocabSize: data.vocab.length, blockSize, nLayer, nHead, nEmbd, dFF, dropout, ...extra});
}

const pickBiases = (s: Partial<GPTConfig>) => ({
  qkvBias: s.qkvBias,
  projBias: s.projBias,
  mlpBias: s.mlpBias,
  lnBias: s.lnBias
});

export const SCHEDULES = ["constant", "cosine", "warmup + cosine"] as const;
export type ScheduleChoice = (typeof SCHEDULES)[number];

/** A run's settings as the reader sets them; clip 0 means no clipping. */
export interface RunSettings {
  steps: number; // the run's length: training goes up to this many updates
  batchSize: number;
  lr: number; // the peak learning rate
  schedule: ScheduleChoice;
  warmup: number; // updates of linear warmup (warmup + cosine only)
  weightDecay: number;
  beta2: number; // AdamW's second-moment decay
  clip: number;
  evalEvery: number; // validation loss (and, for addition, accuracy) every this many updates
  sampleEvery: number; // samples from the model every this many updates
}

const EVERY = {evalEvery: 100, sampleEvery: 250}; // the page's cadence: a point on the charts, a sample

/**
 * The defaults: the course's addition recipe (gpt/recipes.ts: 2,000 steps of batch 64, warmup 100 then cosine from
 * 1e-3 to 1e-4, β2 0.99), or, on text, the shipped Shakespeare model's (nanoGPT's character recipe at batch 12).
 */
export function recipe(addition: boolean): RunSettings {
  const r = RECIPES[addition ? "course-addition" : "baby-shakespeare"];
  const {steps, batchSize, lr, warmup, weightDecay, beta2, clip} = r;
  return {steps, batchSize, lr, schedule: "warmup + cosine", warmup, weightDecay, beta2, clip, ...EVERY};
}

export const RUN_DEFAULTS: Readonly<RunSettings> = Object.freeze(recipe(true));

/**
 * The library's settings for the reader's: cosine decays to 0 at the last step; warmup + cosine, as nanoGPT, to
 * lr / 10; clip 0 is no clipping. β1 and ε are PyTorch's.
 */
export function trainSettings(s: RunSettings): TrainSettings {
  const schedule = s.schedule === "constant" ? "constant" : "cosine";
  const nanoGPT = s.schedule === "warmup + cosine";
  const warmup = nanoGPT ? Math.min(s.warmup, s.steps) : 0;
  const {beta1, eps} = RECIPES.torch;
  return {
    ...{
      steps: s.steps,
      batchSize: s.batchSize,
      gradAccum: 1,
      lr: s.lr,
      schedule,
      warmup,
      minLr: nanoGPT ? s.lr / 10 : 0
    },
    ...{beta1, beta2: s.beta2, eps, weightDecay: s.weightDecay, clip: s.clip > 0 ? s.clip : null},
    ...{evalEvery: s.evalEvery, evalIters: 4, logEvery: 1}
  };
}

/** The learning rate at up to `points` steps of the run, for drawing the schedule before training. */
export function lrCurve(s: RunSettings, points = 240): {step: number; lr: number}[] {
  const schedule = scheduleOf(trainSettings(s));
  const stride = Math.max(1, Math.floor(s.steps / points));
  const steps = Array.from({length: Math.ceil(s.steps / stride)}, (_, i) => i * stride);
  if (steps.at(-1) !== s.steps - 1) steps.push(s.steps - 1);
  return steps.map((step) => ({step: step + 1, lr: learningRate(step, schedule)}));
}
