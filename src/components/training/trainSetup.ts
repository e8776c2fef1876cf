// Chapter 8's settings: which model to train (a preset or the reader's own model) and the run's hyperparameters,
// with the learning-rate schedule they make.
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import {PRESETS} from "../../gpt/presets.js";
import {EXAMPLE_LENGTH} from "../../gpt/data/addition.js";
import {learningRate, makeSchedule, type Schedule} from "../../gpt/schedule.js";
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

/**
 * The defaults. Addition: 2,000 steps of batch 64, warmup 100 then cosine from 1e-3 to 1e-4, β2 0.99 — measured
 * (tinygpt train, seed 1337) at 100% on the held-out sums from step 1,750. Text: nanoGPT's recipe for small
 * character models (the shipped Shakespeare model's): warmup 100, lr 1e-3, weight decay 0.1, β2 0.99.
 */
export function recipe(addition: boolean): RunSettings {
  const shared = {lr: 1e-3, schedule: "warmup + cosine" as ScheduleChoice, warmup: 100, beta2: 0.99, ...EVERY};
  return addition
    ? {...shared, steps: 2000, batchSize: 64, weightDecay: 0.01}
    : {...shared, steps: 2000, batchSize: 12, weightDecay: 0.1};
}

const EVERY = {clip: 1, evalEvery: 100, sampleEvery: 250};

export const RUN_DEFAULTS: Readonly<RunSettings> = Object.freeze(recipe(true));

/** The library's schedule for the settings: cosine decays to 0 at the last step; warmup + cosine, as nanoGPT, to lr / 10. */
export function scheduleOf(s: RunSettings): Schedule {
  const kind = s.schedule === "constant" ? "constant" : "cosine";
  const nanoGPT = s.schedule === "warmup + cosine";
  const warmup = nanoGPT ? Math.min(s.warmup, s.steps) : 0;
  return makeSchedule({kind, lr: s.lr, warmup, minLr: nanoGPT ? s.lr / 10 : 0, decaySteps: s.steps});
}

/** The learning rate at up to `points` steps of the run, for drawing the schedule before training. */
export function lrCurve(s: RunSettings, points = 240): {step: number; lr: number}[] {
  const schedule = scheduleOf(s);
  const stride = Math.max(1, Math.floor(s.steps / points));
  const steps = Array.from({length: Math.ceil(s.steps / stride)}, (_, i) => i * stride);
  if (steps.at(-1) !== s.steps - 1) steps.push(s.steps - 1);
  return steps.map((step) => ({step: step + 1, lr: learningRate(step, schedule)}));
}
