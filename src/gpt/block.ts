// One transformer block: attention then MLP, each added to the residual stream.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import type {BlockParams} from "./params.js";
import {ACTIVATIONS, EVAL, layerNorm, linear, tap, type Ctx} from "./layers.js";
import {causalSelfAttention} from "./attention.js";

/** Position-wise feed-forward: c_fc → activation → c_proj → dropout. Records mlpHidden, mlpAct, mlpOut. */
export function mlp(x: tf.Tensor3D, p: BlockParams["mlp"], config: GPTConfig, ctx: Ctx = EVAL): tf.Tensor3D {
  const r = tap(ctx);
  const hidden = r("mlpHidden", linear(x, p.cFc, ctx)); // (B, T, dFF)
  const act = r("mlpAct", ACTIVATIONS[config.activation](hidden)); // (B, T, dFF)
  return r("mlpOut", ctx.drop(linear(act, p.cProj, ctx))); // (B, T, C)
}

/**
 * Pre-norm (GPT-2) normalises each sublayer's input; post-norm (2017) normalises after each residual add.
 * Records ln1, resid1 (x + attention), ln2, resid2 (x + MLP), out, plus attention's and the MLP's names. (B, T, C)
 */
export function block(x: tf.Tensor3D, p: BlockParams, config: GPTConfig, ctx: Ctx = EVAL): tf.Tensor3D {
  const r = tap(ctx);
  const ln = (name: string, t: tf.Tensor3D, q: BlockParams["ln1"]) => r(name, layerNorm(t, q, config.layerNormEps));
  if (config.norm === "post") {
    x = ln("ln1", r("resid1", tf.add(x, causalSelfAttention(x, p.attn, config, ctx))), p.ln1);
    x = ln("ln2", r("resid2", tf.add(x, mlp(x, p.mlp, config, ctx))), p.ln2);
    return r("out", x);
  }
  x = r("resid1", tf.add(x, causalSelfAttention(ln("ln1", x, p.ln1), p.attn, config, ctx)));
  x = r("resid2", tf.add(x, mlp(ln("ln2", x, p.ln2), p.mlp, config, ctx)));
  return r("out", x);
}
