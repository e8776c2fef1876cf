// Chapter 5's numbers: what the whole model outputs for the reader's context — logits, probabilities, the loss
// against the next characters of the text — and the evidence that a tied head is the token embedding itself.
import * as tf from "@tinygpt/tf";
import {onCallingThread} from "../../gpt/threads.js";
import {IGNORE_INDEX, perPositionLoss} from "../../gpt/loss.js";
import {disposeTrace, forwardTraced} from "../../gpt/model.js";
import {namedParams} from "../../gpt/params.js";
import {countParams} from "../../gpt/count.js";
import {readTensors} from "../../gpt/readback.js";
import {recordRun, sourceOf, trainedInfo, type TrainedInfo} from "./modelData.js";
import type {ReaderModel} from "./readerModel.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";
import type {GPTConfig} from "../../gpt/config.js";
import type {FlowStep} from "../../views/shapeFlow.js";

export interface OutputData {
  config: GPTConfig;
  trained: TrainedInfo | null; // null: the reader's fresh model
  tokens: string[]; // the context: the text's first T characters
  ids: number[];
  vocab: string[];
  targets: (number | null)[]; // the id of the character after each position it is scored on; null elsewhere
  logits: number[][]; // (T, V)
  probs: number[][]; // (T, V) softmax of each row
  losses: (number | null)[]; // −log p(target) per position; null without a target
  loss: number | null; // their mean: the cross-entropy of this text under the model
  lnV: number; // the loss of a uniform guess
  weightNames: string[]; // every weight tensor the model has, by state_dict name
  tied: boolean;
  tiedCheck: number | null; // max |logits − ln_f(x)·W_teᵀ| computed apart (0 up to rounding when tied)
  saved: number; // parameters a tied head saves: V·C
  total: number; // parameters of the model (tied as configured)
}

/** The weights (made for a new seed) and the model's outputs as tensors: logits, probabilities, losses, the tie check. */
function outputs(model: ReaderModel, trained: TrainedModel | null) {
  const {params, context} = sourceOf(model, trained);
  const {ids, targets} = context;
  const idx = tf.tensor2d([ids], [1, ids.length], "int32");
  const y = tf.tensor2d([targets.map((id) => id ?? IGNORE_INDEX)], [1, ids.length], "int32");
  const {trace} = forwardTraced(params, idx, {checkIds: false});
  const out = tf.tidy(() => {
    const logits = tf.squeeze(trace.logits, [0]) as tf.Tensor2D; // (T, V)
    const viaWte =
      params.lmHead === null && trace.lnF
        ? tf.matMul(tf.squeeze(trace.lnF, [0]) as tf.Tensor2D, params.wte as tf.Tensor2D, false, true) // (T, C) x (C, V)
        : null;
    return {
      logits,
      probs: tf.softmax(logits),
      losses: tf.squeeze(perPositionLoss(trace.logits, y), [0]),
      tiedCheck: viaWte ? [tf.max(tf.abs(tf.sub(viaWte, logits)))] : []
    };
  });
  tf.dispose([idx, y]);
  disposeTrace(trace);
  return {params, context, out};
}

/**
 * One forward pass over the context, with the loss on the characters it is scored on: the reader's fresh model, or
 * the trained one given.
 */
export async function runOutput(model: ReaderModel, trained: TrainedModel | null = null): Promise<OutputData> {
  const start = performance.now();
  const {params, context, out} = onCallingThread(() => outputs(model, trained));
  const {config} = params;
  const {tokenizer, tokens, ids, targets} = context;
  const weightNames = namedParams(params).map((p) => p.name);
  try {
    const r = (await readTensors(out)) as {
      logits: number[][];
      probs: number[][];
      losses: number[];
      tiedCheck: number[];
    };
    const losses = r.losses.map((l, t) => (targets[t] === null ? null : l));
    const supervised = losses.filter((l): l is number => l !== null);
    return {
      ...{config, trained: trainedInfo(trained, context), tokens, ids, vocab: [...tokenizer.vocab], targets},
      ...{logits: r.logits, probs: r.probs, losses},
      loss: supervised.length ? supervised.reduce((a, b) => a + b, 0) / supervised.length : null,
      lnV: Math.log(config.vocabSize),
      weightNames,
      tied: config.tieWeights,
      tiedCheck: r.tiedCheck[0] ?? null,
      saved: config.vocabSize * config.nEmbd,
      total: countParams(config).total
    };
  } finally {
    tf.dispose([out.logits, out.probs, out.losses, ...out.tiedCheck]);
    recordRun(start);
  }
}

/** The n most probable tokens of a distribution, most likely first (ties: lower id). */
export function topTokens(probs: readonly number[], vocab: readonly string[], n: number) {
  return probs
    .map((p, id) => ({id, token: vocab[id], p}))
    .sort((a, b) => b.p - a.p || a.id - b.id)
    .slice(0, n);
}

/** The whole forward pass as a shape flow, (B, T) ids to (B, T, V) probabilities, one box per block. */
export function modelFlow(config: GPTConfig, T: number, B = 1): FlowStep[] {
  const {nEmbd: C, vocabSize: V, nLayer} = config;
  const pos = config.positional === "learned" ? "wpe[0:T]" : "sinusoids";
  const steps: FlowStep[] = [{label: "idx", dims: "B, T", shape: [B, T], op: `wte[idx] + ${pos}`}];
  for (let l = 0; l <= nLayer; l++) {
    const op = l < nLayer ? `block ${l}` : config.finalNorm ? "ln_f" : config.tieWeights ? "· W_teᵀ" : "lm_head";
    steps.push({label: `x${toSubscript(l)}`, dims: "B, T, C", shape: [B, T, C], op});
  }
  if (config.finalNorm)
    steps.push({label: "h", dims: "B, T, C", shape: [B, T, C], op: config.tieWeights ? "· W_teᵀ" : "lm_head"});
  steps.push({label: "logits", dims: "B, T, V", shape: [B, T, V], op: "softmax"});
  steps.push({label: "probs", dims: "B, T, V", shape: [B, T, V]});
  return steps;
}

const toSubscript = (n: number): string => [...String(n)].map((d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]).join("");
