// One training step: forward, loss, backward, clip, AdamW; and, on request, everything the step did.
import * as tf from "@tinygpt/tf";
import type {Batch} from "./data/corpus.js";
import {IGNORE_INDEX, nll} from "./loss.js";
import {forward} from "./model.js";
import {clipScale, globalNorm, type AdamW} from "./optim.js";
import type {Params} from "./params.js";

export interface StepOptions {
  lr: number; // learning rate of this update
  clip?: number | null; // clip gradients to this global norm (PyTorch's clip_grad_norm_); null: no clipping
  seed?: number; // dropout masks of this step (when the config has dropout)
  guard?: Guard; // skip the update, on the device, once a loss or gradient norm is not finite
  inspect?: boolean; // also return a StepInspection (copies every gradient, moment and update)
}

/** One weight's part in a step; shapes are the weight's (Linear weights are (in, out)). */
export interface ParamStep {
  name: string; // nanoGPT state_dict name
  decay: boolean; // whether weight decay applied
  grad: tf.Tensor; // ∂loss/∂p, before clipping
  m: tf.Tensor; // first moment after the step
  v: tf.Tensor; // second moment after the step
  update: tf.Tensor; // the change made: p after = p before + update
}

/** Everything a step did. The caller owns the tensors: disposeInspection frees them, readTensors reads them. */
export interface StepInspection {
  step: number; // the update's number t (1-based), as in the bias corrections
  batch: {x: number[][]; y: number[][]}; // (B, T) ids and targets (IGNORE_INDEX where unsupervised)
  lr: number;
  biasCorrection1: number; // 1 − β1ᵗ
  biasCorrection2: number; // 1 − β2ᵗ
  loss: tf.Scalar; // before the update
  gradNorm: tf.Scalar; // global norm before clipping
  clipScale: tf.Scalar; // the factor every gradient was multiplied by (1 without clipping)
  clippedNorm: tf.Scalar; // global norm after clipping
  params: ParamStep[]; // in state_dict order
  lossAfter: tf.Scalar; // the same batch (and dropout masks) after the update
}

export interface StepResult {
  loss: tf.Scalar; // before the update; the caller disposes it
  gradNorm: tf.Scalar; // before clipping; the caller disposes it
  inspection: StepInspection | null; // only with {inspect: true}
}

/** Mean cross-entropy over the supervised targets of a batch. (Tidy: call inside tf.tidy or variableGrads.) */
export function batchLoss(params: Params, batch: Batch, training: boolean, seed?: number): tf.Scalar {
  const {x, y, B, T} = batch;
  const supervised = y.reduce((n, id) => n + (id === IGNORE_INDEX ? 0 : 1), 0);
  if (supervised === 0) throw new Error("every target of the batch is IGNORE_INDEX: nothing to learn");
  const logits = forward(params, tf.tensor2d(x, [B, T], "int32"), {training, seed, checkIds: false}); // (B, T, V)
  return tf.div(tf.sum(nll(logits, tf.tensor2d(y, [B, T], "int32"))), supervised) as tf.Scalar;
}

/**
 * Forward and backward on one batch, then one AdamW update with lr. The plain step returns the loss and the
 * gradient norm as tensors and reads nothing back; {inspect: true} adds everything else (see StepInspection).
 */
export function trainStep(params: Params, optimizer: AdamW, batch: Batch, options: StepOptions): StepResult {
  const {lr, clip = null, seed, guard, inspect = false} = options;
  const vars = optimizer.params.map(({variable}) => variable);
  const step = optimizer.step + 1;
  const {value: loss, grads: byName} = tf.variableGrads(() => batchLoss(params, batch, true, seed), vars);
  const grads = vars.map((v) => byName[v.name]);
  const gradNorm = globalNorm(grads);
  const scale = clip === null ? null : clipScale(gradNorm, clip);
  const ok = guard?.check(loss, gradNorm, optimizer.step);
  const {bc1, bc2} = optimizer.biasCorrections(); // of this update: read before apply() advances the step
  const updates = optimizer.apply(grads, lr, {ok, scale: scale ?? undefined, keep: inspect}); // clips as it applies
  if (ok) ok.dispose();
  if (!inspect) {
    tf.dispose([...grads, ...(scale ? [scale] : [])]);
    return {loss, gradNorm, inspection: null};
  }
  const clipFactor = scale ?? tf.scalar(1);
  const inspection: StepInspection = {
    step,
    batch: {x: rows(batch.x, batch.T), y: rows(batch.y, batch.T)},
    lr,
    biasCorrection1: bc1,
    biasCorrection2: bc2,
    loss: tf.clone(loss),
    gradNorm: tf.clone(gradNorm),
    clipScale: clipFactor,
    clippedNorm: tf.mul(gradNorm, clipFactor),
    params: optimizer.params.map(({name}, i) => ({
      name,
      decay: optimizer.decay[i],
      grad: grads[i],
      m: tf.clone(optimizer.m[i]),
      v: tf.clone(optimizer.v[i]),
      update: updates![i]
    })),
    lossAfter: tf.tidy(() => batchLoss(params, batch, true, seed))
  };
  return {loss, gradNorm, inspection};
}

/** Frees every tensor of an inspection. */
export function disposeInspection(inspection: StepInspection): void {
  const {loss, gradNorm, clipScale, clippedNorm, lossAfter, params} = inspection;
  tf.dispose([
    loss,
    gradNorm,
    clipScale,
    clippedNorm,
    lossAfter,
    ...params.flatMap((p) => [p.grad, p.m, p.v, p.update])
  ]);
}

const rows = (ids: Int32Array, T: number): number[][] =>
  Array.from({length: ids.length / T}, (_, b) => Array.from(ids.subarray(b * T, (b + 1) * T)));

/**
 * Watches, on the device, that every step's loss and gradient norm are finite. From the first step where one is
 * not, check returns false and keeps returning false, so the weights stay those of the last finite step;
 * read() tells, when the caller chooses to look, whether and where that happened.
 */
export class Guard {
  private readonly healthy = state(tf.scalar(true, "bool"));
  private readonly failedAt = state(tf.scalar(-1, "int32")); // updates done before the bad step

  /** A new boolean scalar (the caller disposes it): true while every step so far, this one included, was finite. */
  check(loss: tf.Scalar, gradNorm: tf.Scalar, stepsDone: number): tf.Scalar {
    return tf.tidy(() => {
      const finite = tf.less(tf.abs(tf.add(loss, gradNorm)), 3e38); // false for NaN and ±Inf
      const ok = tf.logicalAnd(this.healthy, finite);
      const firstBad = tf.logicalAnd(this.healthy, tf.logicalNot(finite));
      this.failedAt.assign(tf.where(firstBad, tf.scalar(stepsDone, "int32"), this.failedAt) as tf.Scalar);
      this.healthy.assign(ok as tf.Scalar);
      return ok as tf.Scalar;
    });
  }

  /** null while every step was finite; otherwise how many updates had been applied before the first bad step. */
  async read(): Promise<number | null> {
    const [healthy] = await this.healthy.data();
    return healthy ? null : (await this.failedAt.data())[0];
  }

  dispose(): void {
    tf.dispose([this.healthy, this.failedAt]);
  }
}

/** A non-trainable variable holding a scalar's value; the scalar is freed. */
function state(initial: tf.Scalar): tf.Variable<tf.Rank.R0> {
  const v = tf.variable(initial, false);
  initial.dispose();
  return v;
}
