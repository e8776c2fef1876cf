// One training step: forward, loss, backward (over one batch or k micro-batches), clip, AdamW.
import * as tf from "@tinygpt/tf";
import type {Batch} from "./data/corpus.js";
import type {Probe} from "./layers.js";
import {IGNORE_INDEX, nll} from "./loss.js";
import {forward} from "./model.js";
import {clipScale, globalNorm, type AdamW, type AdamWSettings} from "./optim.js";
import type {Params} from "./params.js";

/** What a loss is computed with besides the weights and the batch. */
export interface LossOptions {
  training: boolean; // dropout on
  seed?: number; // the dropout masks
  probe?: Probe; // see ForwardOptions.probe
}

/** The targets of a batch that are scored (not IGNORE_INDEX). */
export const supervised = (batch: Batch): number => batch.y.reduce((n, id) => n + (id === IGNORE_INDEX ? 0 : 1), 0);

/**
 * The mean cross-entropy over the supervised targets of a batch, with the logits (B, T, V) and each position's
 * loss (B, T; 0 where unsupervised) it came from. (Tidy: call inside tf.tidy or variableGrads.)
 */
export function lossParts(params: Params, batch: Batch, {training, seed, probe}: LossOptions) {
  const {x, y, B, T} = batch;
  const n = supervised(batch);
  if (n === 0) throw new Error("every target of the batch is IGNORE_INDEX: nothing to learn");
  const logits = forward(params, tf.tensor2d(x, [B, T], "int32"), {training, seed, probe, checkIds: false}); // (B, T, V)
  const losses = nll(logits, tf.tensor2d(y, [B, T], "int32")); // (B, T)
  return {loss: tf.div(tf.sum(losses), n) as tf.Scalar, logits, losses};
}

/** Mean cross-entropy over the supervised targets of a batch. (Tidy: call inside tf.tidy or variableGrads.) */
export const batchLoss = (params: Params, batch: Batch, training: boolean, seed?: number): tf.Scalar =>
  lossParts(params, batch, {training, seed}).loss;

/**
 * The loss of one update and its gradient with respect to vars, over k micro-batches: micro-batch j's loss is
 * weighted by its share of the supervised targets, n_j / N, so that the sum is the mean over all N targets — the
 * loss of one batch made of the k micro-batches, and the same gradient. lossOf(batch, j) computes micro-batch j's
 * mean loss (it may keep tensors of its own). The caller owns the returned tensors.
 */
export function gradients(
  vars: readonly tf.Variable[],
  batches: readonly Batch[],
  lossOf: (batch: Batch, j: number) => tf.Scalar
): {loss: tf.Scalar; grads: tf.Tensor[]} {
  if (batches.length === 0) throw new Error("no batch to compute gradients on");
  const named = (byName: tf.NamedTensorMap) => vars.map((v) => byName[v.name]);
  if (batches.length === 1) {
    const {value, grads} = tf.variableGrads(() => lossOf(batches[0], 0), vars as tf.Variable[]);
    return {loss: value, grads: named(grads)};
  }
  const counts = batches.map(supervised);
  const N = counts.reduce((a, b) => a + b, 0);
  let loss: tf.Scalar | null = null;
  let grads: tf.Tensor[] | null = null;
  batches.forEach((batch, j) => {
    const weight = counts[j] / N;
    const part = tf.variableGrads(() => tf.mul(lossOf(batch, j), weight) as tf.Scalar, vars as tf.Variable[]);
    const g = named(part.grads);
    const [sumLoss, sumGrads]: [tf.Scalar, tf.Tensor[]] = tf.tidy(() => [
      loss ? (tf.add(loss, part.value) as tf.Scalar) : tf.clone(part.value),
      g.map((gi, i) => (grads ? tf.add(grads[i], gi) : tf.clone(gi)))
    ]);
    tf.dispose([part.value, ...g, ...(loss ? [loss] : []), ...(grads ?? [])]);
    [loss, grads] = [sumLoss, sumGrads];
  });
  return {loss: loss!, grads: grads!};
}

export interface StepOptions {
  clip?: number | null; // clip gradients to this global norm (PyTorch's clip_grad_norm_); null: no clipping
  seeds?: readonly number[]; // the dropout masks of each micro-batch (when the config has dropout)
  guard?: Guard; // skip the update, on the device, once a loss or gradient norm is not finite
}

/**
 * Forward and backward on the micro-batches of one update (one batch, or k whose gradients are accumulated), then
 * one AdamW update with settings. Returns the loss and the gradient norm as tensors (the caller disposes them) and
 * reads nothing back.
 */
export function trainStep(
  params: Params,
  optimizer: AdamW,
  batches: readonly Batch[],
  settings: AdamWSettings,
  {clip = null, seeds = [], guard}: StepOptions = {}
): {loss: tf.Scalar; gradNorm: tf.Scalar} {
  const vars = optimizer.params.map(({variable}) => variable);
  const {loss, grads} = gradients(vars, batches, (b, j) => batchLoss(params, b, true, seeds[j]));
  const gradNorm = globalNorm(grads);
  const scale = clip === null ? null : clipScale(gradNorm, clip);
  const ok = guard?.check(loss, gradNorm, optimizer.step);
  optimizer.apply(grads, settings, {ok, scale: scale ?? undefined}); // clips as it applies
  tf.dispose([...grads, ...(scale ? [scale] : []), ...(ok ? [ok] : [])]);
  return {loss, gradNorm};
}

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
