// The gradient of the loss with respect to the residual stream between blocks: what backpropagation sends back
// through the stack. TF.js differentiates only with respect to a function's inputs, so a zero "probe" is added to
// the stream after the embeddings and after every block; the gradient with respect to a probe is the gradient with
// respect to the stream there, and adding zeros leaves the forward pass unchanged.
import * as tf from "@tinygpt/tf";
import {block} from "../../gpt/block.js";
import type {Batch} from "../../gpt/data/corpus.js";
import {embed, layerNorm, linear, matMul2d} from "../../gpt/layers.js";
import {IGNORE_INDEX, nll} from "../../gpt/loss.js";
import type {Params} from "../../gpt/params.js";

interface Probed {
  loss: tf.Scalar;
  logits: tf.Tensor3D; // (B, T, V)
  losses: tf.Tensor2D; // (B, T) −log p(target), 0 where ignored
}

/** The model's forward pass (as model.ts composes it, without dropout) with probes[l] added to the stream x_l. */
function probedLoss(params: Params, batch: Batch, probes: tf.Tensor3D[]): Probed {
  const {config, h, lnF, lmHead, wte} = params;
  const {B, T} = batch;
  const supervised = batch.y.reduce((n, id) => n + (id === IGNORE_INDEX ? 0 : 1), 0);
  let x = tf.add(embed(params, tf.tensor2d(batch.x, [B, T], "int32")), probes[0]) as tf.Tensor3D; // x_0 (B, T, C)
  h.forEach((p, l) => (x = tf.add(block(x, p, config), probes[l + 1]) as tf.Tensor3D)); // x_{l+1} (B, T, C)
  if (lnF) x = layerNorm(x, lnF, config.layerNormEps); // (B, T, C)
  const C = config.nEmbd;
  const logits = lmHead
    ? linear(x, lmHead) // (B, T, V)
    : (tf.reshape(matMul2d(tf.reshape(x, [B * T, C]), tf.transpose(wte) as tf.Tensor2D), [B, T, -1]) as tf.Tensor3D);
  const losses = nll(logits, tf.tensor2d(batch.y, [B, T], "int32")); // (B, T)
  return {loss: tf.div(tf.sum(losses), supervised) as tf.Scalar, logits, losses};
}

/**
 * ∂loss/∂x_l for the stream after the embeddings (l = 0) and after each block (l = 1 … nLayer), each (B, T, C),
 * with what the same forward pass computed on the way: the loss, the logits and each position's loss. The caller
 * owns the tensors.
 */
export function streamGrads(params: Params, batch: Batch): Probed & {grads: tf.Tensor3D[]} {
  const {nLayer, nEmbd} = params.config;
  return tf.tidy(() => {
    const probes = Array.from({length: nLayer + 1}, () => tf.zeros<tf.Rank.R3>([batch.B, batch.T, nEmbd]));
    let seen: Omit<Probed, "loss"> | null = null;
    const f = (...ps: tf.Tensor[]) => {
      const {loss, logits, losses} = probedLoss(params, batch, ps as tf.Tensor3D[]);
      seen = {logits: tf.keep(logits), losses: tf.keep(losses)}; // kept past the gradient's own tidy
      return loss;
    };
    const {value, grads} = tf.valueAndGrads(f)(probes);
    return {loss: value as tf.Scalar, grads: grads as tf.Tensor3D[], ...seen!};
  });
}
