// Causal multi-head self-attention, in nanoGPT's order.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import type {BlockParams} from "./params.js";
import {EVAL, linear, tap, type Ctx} from "./layers.js";

/** The score given to future positions before the softmax, which turns it into exactly 0. */
export const MASKED = -1e9;

/** 0 on and below the diagonal, MASKED above it: position t may look at positions 0..t only. (T, T) */
export function causalMask(T: number): tf.Tensor2D {
  const mask = new Float32Array(T * T);
  for (let i = 0; i < T; i++) mask.fill(MASKED, i * T + i + 1, (i + 1) * T);
  return tf.tensor2d(mask, [T, T]);
}

/**
 * Every position mixes the values of the positions up to itself, weighted per head by softmax(q·kᵀ/√hs).
 * Records q, k, v, scores, masked, att, heads and attnOut. (B, T, C) → (B, T, C)
 */
export function causalSelfAttention(
  x: tf.Tensor3D,
  p: BlockParams["attn"],
  config: GPTConfig,
  ctx: Ctx = EVAL
): tf.Tensor3D {
  const r = tap(ctx);
  const [B, T, C] = x.shape;
  const nh = config.nHead;
  const hs = C / nh;
  const qkv = linear(x, p.cAttn); // (B, T, 3C)
  const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]) as tf.Tensor4D;
  const [q, k, v] = tf.split(qkv, 3, 2).map((t, i) => r(["q", "k", "v"][i], toHeads(t))); // (B, nh, T, hs)
  const scores = r("scores", tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs))); // q @ kᵀ: (B, nh, T, T)
  const masked = r("masked", ctx.causal === false ? scores : tf.add(scores, causalMask(T))); // (B, nh, T, T)
  const att = r("att", tf.softmax(masked)); // (B, nh, T, T)
  const heads = r("heads", tf.matMul(ctx.drop(att), v)); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
  const y = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D; // (B, T, nh, hs) -> (B, T, C)
  return r("attnOut", ctx.drop(linear(y, p.cProj))); // (B, T, C)
}
