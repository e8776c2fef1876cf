// What chapter 7 reads back from one training step, as plain numbers: the settings, the batch, the forward pass,
// the loss, every gradient, AdamW's state before and after, and the update.

/** The optimiser's settings the reader controls. clip null: no clipping. */
export interface Hyper {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  clip: number | null;
  batchSize: number;
}

/** nanoGPT's settings for its small character models (lr 1e-3, λ 0.1, β2 0.99, clip 1), with a batch that fits a page. */
export const HYPER_DEFAULTS: Readonly<Hyper> = Object.freeze({
  lr: 1e-3,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  clip: 1,
  batchSize: 4
});

/** One weight's part in the step, flat in row-major order. */
export interface TensorStep {
  name: string;
  shape: number[];
  decay: boolean;
  before: Float32Array; // w before the update
  grad: Float32Array; // ∂loss/∂w, before clipping
  mPrev: Float32Array; // AdamW's moments before the update
  vPrev: Float32Array;
  m: Float32Array; // and after it
  v: Float32Array;
  update: Float32Array; // what the update added to w
  after: Float32Array;
}

export interface StepData {
  t: number; // the update's number, as in the bias corrections
  draw: number; // which batch: 0 is the next one training would use
  B: number;
  T: number;
  x: number[][]; // (B, T) ids
  y: number[][]; // (B, T) target ids, IGNORE_INDEX where unsupervised
  logits: number[][][]; // (B, T, V)
  losses: number[][]; // (B, T) −log p(target); NaN where unsupervised
  supervised: number;
  loss: number; // before the update
  lossAfter: number; // the same batch after it
  gradNorm: number; // global, before clipping
  clipScale: number;
  clippedNorm: number;
  bc1: number; // 1 − β1ᵗ
  bc2: number; // 1 − β2ᵗ
  eps: number;
  hyper: Hyper;
  stream: number[][][][]; // (nLayer + 1) × (B, T, C): ∂loss/∂x_l
  tensors: TensorStep[];
}

export interface Progress {
  steps: number; // updates applied to the session's weights
  losses: number[]; // the training loss of each
  running: boolean;
}
