// What chapter 7 reads back from one training step, as plain numbers (the library's StepInspection), with the
// reader's settings, and what its runs of more steps report.
import type {StepInspection} from "../../gpt/inspection.js";
import {recipe} from "../../gpt/recipes.js";

export type {TensorStep} from "../../gpt/inspection.js";

/** The optimiser's settings the reader controls. clip null: no clipping. */
export interface Hyper {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  clip: number | null;
  batchSize: number;
}

const {lr, weightDecay, beta1, beta2, clip} = recipe("nanogpt-char");

/** nanoGPT's settings for its small character models (lr 1e-3, λ 0.1, β2 0.99, clip 1), with a batch that fits a page. */
export const HYPER_DEFAULTS: Readonly<Hyper> = Object.freeze({lr, weightDecay, beta1, beta2, clip, batchSize: 4});

/** One inspected step, with which batch it drew (0 is the next one training would use) and the reader's settings. */
export interface StepData extends StepInspection {
  draw: number;
  eps: number;
  hyper: Hyper;
}

export interface Progress {
  steps: number; // updates applied to the session's weights
  losses: number[]; // the training loss of each
  running: boolean;
}
