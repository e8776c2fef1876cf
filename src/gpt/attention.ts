// Causal multi-head self-attention, in nanoGPT's order.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import type {BlockParams} from "./params.js";
import {batchMatMul} from "./batchMatMul.js";
import {EVAL, linear, tap, type Ctx} from "./layers.js";
import {softmax} from "./softmax.js";
import {splitLast} from "./split.js";
import {transposeRows} from "./transpose.js";

/** The score given to future positions before the softmax, which turns it into exactly 0. */
export const MASKED = -1e9;

/**
 * 0 on and below the diagonal, MASKED above it: position t may look at positions 0..t only. (T, T)
 * With past earlier positions (in a KV cache) in front, row i may look at columns 0..past + i. (T, past + T)
 */
export function causalMask(T: number, past = 0): tf.Tensor2D {
  const S = past + T;
  const mask = new Float32Array(T * S);
  for (let i = 0; i < T; i++) mask.fill(MASKED, i * S + past + i + 1, (i + 1) * S);
  return tf.tensor2d(mask, [T, S]);
}

/**
 * Every position mixes the values of the positions up to itself, weighted per head by softmax(q·kᵀ/√hs).
 * Records q, k, v, scores, masked, att, heads and attnOut. (B, T, C) → (B, T, C)
 * With ctx.kv (the KV cache), the keys and values of Tp earlier positions come from ctx.kv.past, and k, v
 * (past + new) are left in ctx.kv.next. The plain forward passes none (Tp = 0): both paths are this code.
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
  const qkv = linear(x, p.cAttn, ctx); // (B, T, 3C)
  const toHeads = (t: tf.Tensor) => transposeRows(tf.reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]) as tf.Tensor4D;
  const [qT, kT, vT] = splitLast(qkv, 3).map(toHeads); // (B, nh, T, hs) each
  const past = ctx.kv?.past;
  const Tp = past ? past.k.shape[2] : 0; // positions already in the cache
  const q = r("q", qT);
  const k = r("k", past ? tf.concat([past.k, kT], 2) : kT); // (B, nh, Tp + T, hs): cached keys, then new ones
  const v = r("v", past ? tf.concat([past.v, vT], 2) : vT); // (B, nh, Tp + T, hs)
  if (ctx.kv) ctx.kv.next = {k, v};
  const scores = r("scores", tf.mul(batchMatMul(q, k, true), 1 / Math.sqrt(hs))); // q @ kᵀ: (B, nh, T, Tp + T)
  const masked = r("masked", ctx.causal === false ? scores : tf.add(scores, causalMask(T, Tp))); // (B, nh, T, Tp + T)
  const att = r("att", softmax(masked)); // (B, nh, T, Tp + T)
  const heads = r("heads", batchMatMul(ctx.drop(att), v)); // (B, nh, T, Tp + T) x (B, nh, Tp + T, hs) -> (B, nh, T, hs)
  const y = tf.reshape(transposeRows(heads, [0, 2, 1, 3]), [B, T, C]) as tf.Tensor3D; // (B, T, nh, hs) -> (B, T, C)
  return r("attnOut", ctx.drop(linear(y, p.cProj, ctx))); // (B, T, C)
}
