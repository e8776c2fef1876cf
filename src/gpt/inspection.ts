// One update taken apart for chapter 7: the batch, the forward pass, the loss, every gradient (of the weights and
// of the residual stream), clipping, AdamW's moments before and after, and the update — computed once, read back.
import * as tf from "@tinygpt/tf";
import type {Batch} from "./data/corpus.js";
import {IGNORE_INDEX} from "./loss.js";
import {clipScale, globalNorm, type AdamW, type AdamWSettings} from "./optim.js";
import {toVariable, type Params} from "./params.js";
import {readAll, readTensors, toNumber} from "./readback.js";
import {batchLoss, gradients, lossParts, supervised} from "./step.js";

/** One trained weight's part in the step, flat in row-major order, in the weight's layout here. */
export interface TensorStep {
  name: string;
  shape: number[];
  decay: boolean; // whether weight decay applied
  before: Float32Array; // w before the update
  grad: Float32Array; // ∂loss/∂w, before clipping
  mPrev: Float32Array; // AdamW's moments before the update
  vPrev: Float32Array;
  m: Float32Array; // and after it
  v: Float32Array;
  update: Float32Array; // what the update added to w
  after: Float32Array;
}

/** Everything one update did, as plain numbers. Rows b of the batch run over every micro-batch, in order. */
export interface StepInspection {
  t: number; // the update's number (1-based), as in the bias corrections
  B: number; // sequences per micro-batch
  T: number;
  micro: number; // micro-batches accumulated into the update (the batch has micro · B rows)
  x: number[][]; // (micro · B, T) ids
  y: number[][]; // (micro · B, T) targets, IGNORE_INDEX where unsupervised
  logits: number[][][]; // (micro · B, T, V)
  losses: number[][]; // (micro · B, T) −log p(target); NaN where unsupervised
  supervised: number; // the targets scored, over every micro-batch
  loss: number; // before the update: the mean over the supervised targets
  lossAfter: number; // the same batch (and dropout masks) after it
  gradNorm: number; // global, before clipping
  clipScale: number; // the factor every gradient was multiplied by (1 without clipping)
  clippedNorm: number;
  bc1: number; // 1 − β1ᵗ
  bc2: number; // 1 − β2ᵗ
  settings: AdamWSettings;
  clip: number | null;
  stream: number[][][][]; // (nLayer + 1) × (micro · B, T, C): ∂loss/∂x_l, x_0 the embeddings' output
  head: {input: number[][][]; inputGrad: number[][][]}; // (micro · B, T, C) each: the head's input h, ∂loss/∂h
  tensors: TensorStep[]; // per trained weight, in state_dict order
}

/** What the step reads as its "before": the weights (every one, state_dict order) and the optimizer's state. */
export interface Before {
  weights: readonly Float32Array[]; // per trained weight, in optimizer.params order
  m: readonly Float32Array[];
  v: readonly Float32Array[];
}

/**
 * Applies one update to params with optimizer and settings over batches (its micro-batches), recording everything
 * and reading it back. The gradient with respect to the residual stream x_l comes from the same backward pass: a zero
 * variable is added to the stream (ForwardOptions.probe), (micro · B, T, C), micro-batch j reading its rows.
 * before holds the values the caller read before the call. Frees every tensor it makes.
 */
export async function inspectUpdate(
  params: Params,
  optimizer: AdamW,
  batches: readonly Batch[],
  settings: AdamWSettings,
  {clip, seeds, before}: {clip: number | null; seeds: readonly number[]; before: Before}
): Promise<StepInspection> {
  const [{B, T}, micro, C] = [batches[0], batches.length, params.config.nEmbd];
  const t = optimizer.step + 1;
  const {bc1, bc2} = optimizer.biasCorrections(settings);
  const weights = optimizer.params.map(({variable}) => variable);
  const L = params.config.nLayer;
  const probes = Array.from({length: L + 2}, () => toVariable(tf.zeros([micro * B, T, C]))); // (micro · B, T, C)
  const seen = {logits: [] as tf.Tensor[], losses: [] as tf.Tensor[], head: [] as tf.Tensor[]};
  const made: tf.Tensor[] = [...probes];
  try {
    const rows = (p: tf.Tensor, j: number) => tf.slice(p, [j * B, 0, 0], [B, T, C]) as tf.Tensor3D; // (B, T, C)
    const {loss, grads: all} = gradients([...weights, ...probes], batches, (batch, j) => {
      const probe = (l: number, x: tf.Tensor3D) => {
        if (l === L + 1) seen.head.push(tf.keep(x)); // (B, T, C) the head's input
        return tf.add(x, rows(probes[l], j)) as tf.Tensor3D;
      };
      const parts = lossParts(params, batch, {training: true, seed: seeds[j], probe});
      seen.logits.push(tf.keep(parts.logits)); // (B, T, V)
      seen.losses.push(tf.keep(parts.losses)); // (B, T)
      return parts.loss;
    });
    made.push(loss, ...all);
    const grads = all.slice(0, weights.length);
    const [stream, headGrad] = [all.slice(weights.length, weights.length + L + 1), all[weights.length + L + 1]];
    const gradNorm = globalNorm(grads);
    const scale = clip === null ? tf.scalar(1) : clipScale(gradNorm, clip);
    const clippedNorm = tf.mul(gradNorm, scale);
    made.push(gradNorm, scale, clippedNorm);
    const updates = optimizer.apply(grads, settings, {scale: clip === null ? undefined : scale, keep: true})!;
    made.push(...updates);
    const counts = batches.map(supervised);
    const N = counts.reduce((a, b) => a + b, 0);
    const lossAfter = tf.tidy(() => {
      const parts = batches.map((b, j) => batchLoss(params, b, true, seeds[j]));
      return micro === 1 ? parts[0] : parts.reduce((sum, l, j) => tf.add(sum, tf.mul(l, counts[j] / N)), tf.scalar(0));
    });
    const logits = tf.concat(seen.logits) as tf.Tensor3D; // (micro · B, T, V)
    const losses = tf.concat(seen.losses) as tf.Tensor2D; // (micro · B, T)
    const headInput = tf.concat(seen.head) as tf.Tensor3D; // (micro · B, T, C)
    made.push(lossAfter, logits, losses, headInput);
    const [scalars, arrays, read] = await Promise.all([
      Promise.all([loss, lossAfter, gradNorm, scale, clippedNorm].map(toNumber)),
      Promise.all([grads, optimizer.m, optimizer.v, updates, weights].map((ts) => readAll([...ts]))),
      readTensors({logits, losses, stream: stream as tf.Tensor3D[], headInput, headGrad: headGrad as tf.Tensor3D})
    ]);
    const [grad, m, v, update, after] = arrays;
    const x = batches.flatMap((b) => rowsOf(b.x, T));
    const y = batches.flatMap((b) => rowsOf(b.y, T));
    return {
      ...{t, B, T, micro, x, y, logits: read.logits, supervised: N},
      losses: read.losses.map((row, b) => row.map((l, i) => (y[b][i] === IGNORE_INDEX ? NaN : l))),
      ...{loss: scalars[0], lossAfter: scalars[1], gradNorm: scalars[2], clipScale: scalars[3]},
      ...{clippedNorm: scalars[4], bc1, bc2, settings: {...settings}, clip, stream: read.stream},
      head: {input: read.headInput, inputGrad: read.headGrad},
      tensors: optimizer.params.map(({name, variable}, i) => ({
        ...{name, shape: variable.shape, decay: optimizer.decay[i]},
        ...{before: before.weights[i], grad: grad[i], mPrev: before.m[i], vPrev: before.v[i]},
        ...{m: m[i], v: v[i], update: update[i], after: after[i]}
      }))
    };
  } finally {
    tf.dispose([...made, ...seen.logits, ...seen.losses, ...seen.head]);
  }
}

const rowsOf = (ids: Int32Array, T: number): number[][] =>
  Array.from({length: ids.length / T}, (_, b) => Array.from(ids.subarray(b * T, (b + 1) * T)));
