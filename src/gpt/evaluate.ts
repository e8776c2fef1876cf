// Measuring a model without training it: mean loss over batches or a whole split, and addition by greedy decoding.
import * as tf from "@tinygpt/tf";
import type {Dataset, Split} from "./data/corpus.js";
import {
  ADDITION_VOCAB,
  ANSWER_LENGTH,
  PROMPT_LENGTH,
  additionAnswer,
  additionExample,
  additionPrompt,
  type Pair
} from "./data/addition.js";
import {argmax, softmax} from "./distribution.js";
import {nextLogits} from "./kvcache.js";
import {forward} from "./model.js";
import type {Params} from "./params.js";
import {batchLoss} from "./step.js";

/** Mean loss over batches 0…iters−1 of a split (the same batches every call), without dropout. */
export async function estimateLoss(params: Params, data: Dataset, split: Split, B: number, iters: number) {
  let total = 0;
  for (let i = 0; i < iters; i++) {
    const loss = tf.tidy(() => batchLoss(params, data.batch(split, i, B), false));
    total += (await loss.data())[0];
    loss.dispose();
  }
  return total / iters;
}

/**
 * Mean loss per character over a whole token sequence, read as consecutive windows of blockSize + 1 tokens
 * (each window predicts its last blockSize tokens from the ones before, as training does); nats per token.
 */
export async function sequenceLoss(params: Params, ids: Int32Array, windowsPerBatch = 64): Promise<number> {
  const T = params.config.blockSize;
  const windows = Math.floor((ids.length - 1) / T);
  if (windows < 1) throw new Error(`${ids.length} tokens are too few for one window of blockSize + 1 = ${T + 1}`);
  let sum = 0;
  for (let w0 = 0; w0 < windows; w0 += windowsPerBatch) {
    const B = Math.min(windowsPerBatch, windows - w0);
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const i = (w0 + b) * T;
      x.set(ids.subarray(i, i + T), b * T);
      y.set(ids.subarray(i + 1, i + T + 1), b * T);
    }
    const loss = tf.tidy(() => batchLoss(params, {x, y, B, T}, false));
    sum += (await loss.data())[0] * B * T;
    loss.dispose();
  }
  return sum / (windows * T);
}

export interface AdditionScore {
  n: number; // pairs scored
  exact: number; // fraction with all 4 answer digits right
  perPosition: number[]; // fraction right at each answer position, in the order written (units digit first)
}

/** Greedy decoding of the 4 answer digits of every pair, compared with the true answer. */
export async function additionAccuracy(params: Params, pairs: readonly Pair[], batchSize = 500) {
  const perPosition = new Array(ANSWER_LENGTH).fill(0);
  let exact = 0;
  for (let i = 0; i < pairs.length; i += batchSize) {
    const chunk = pairs.slice(i, i + batchSize);
    const answers = await greedyAnswers(params, chunk);
    chunk.forEach(([a, b], j) => {
      const truth = additionAnswer(a, b);
      let all = true;
      for (let k = 0; k < ANSWER_LENGTH; k++) {
        const right = answers[j][k] === Number(truth[k]);
        perPosition[k] += right ? 1 : 0;
        all &&= right;
      }
      exact += all ? 1 : 0;
    });
  }
  const n = pairs.length;
  const score: AdditionScore = {n, exact: exact / n, perPosition: perPosition.map((c) => c / n)};
  return score;
}

/** The 4 digits the model writes after each prompt, each time taking the most likely next token. */
async function greedyAnswers(params: Params, pairs: readonly Pair[]): Promise<number[][]> {
  const B = pairs.length;
  const rows = pairs.map(([a, b]) => additionExample(a, b).tokens.slice(0, PROMPT_LENGTH));
  for (let k = 0; k < ANSWER_LENGTH; k++) {
    const T = PROMPT_LENGTH + k;
    const next = tf.tidy(() => {
      const logits = forward(params, tf.tensor2d(rows.flat(), [B, T], "int32"), {checkIds: false}); // (B, T, V)
      return tf.argMax(tf.reshape(tf.slice(logits, [0, T - 1, 0], [B, 1, -1]), [B, -1]), 1); // (B)
    });
    const ids = await next.data();
    next.dispose();
    rows.forEach((row, j) => row.push(ids[j]));
  }
  return rows.map((row) => row.slice(PROMPT_LENGTH));
}

/** One sum as the model answers it. */
export interface SumAnswer {
  a: number;
  b: number;
  prompt: string; // "123+045="
  written: string; // the 4 digits as the model writes them, units first
  answer: number; // those digits read back in the usual order
  truth: number;
  right: boolean;
  digitRight: boolean[]; // per written digit, units first
  confidence: number[]; // the probability the model gave each digit it wrote
}

/** Greedy answers of an addition model to many sums at once (one row per sum, 4 forward passes). */
export async function answerSums(params: Params, pairs: readonly Pair[]): Promise<SumAnswer[]> {
  if (pairs.length === 0) return [];
  const seqs = pairs.map(([a, b]) => [...additionPrompt(a, b)].map((c) => ADDITION_VOCAB.indexOf(c)));
  const confidence: number[][] = pairs.map(() => []);
  for (let k = 0; k < ANSWER_LENGTH; k++) {
    const {logits} = await nextLogits(params, seqs, null);
    logits.forEach((row, i) => {
      const id = argmax(row);
      seqs[i].push(id);
      confidence[i].push(softmax(row)[id]);
    });
  }
  return pairs.map(([a, b], i) => {
    const written = seqs[i].slice(-ANSWER_LENGTH).map((id) => ADDITION_VOCAB[id]);
    const truth = additionAnswer(a, b); // as written, units first
    const digitRight = written.map((c, k) => c === truth[k]);
    const answer = /^\d+$/.test(written.join("")) ? Number([...written].reverse().join("")) : NaN;
    const right = digitRight.every(Boolean);
    return {
      a,
      b,
      prompt: additionPrompt(a, b),
      written: written.join(""),
      answer,
      truth: a + b,
      right,
      digitRight,
      confidence: confidence[i]
    };
  });
}
