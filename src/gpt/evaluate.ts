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
    for (const {digitRight, right} of await answerSums(params, pairs.slice(i, i + batchSize))) {
      digitRight.forEach((ok, k) => (perPosition[k] += ok ? 1 : 0));
      exact += right ? 1 : 0;
    }
  }
  const n = pairs.length;
  const score: AdditionScore = {n, exact: exact / n, perPosition: perPosition.map((c) => c / n)};
  return score;
}

/** One sum as the model answers it. */
export interface SumAnswer {
  a: number;
  b: number;
  prompt: string; // "123+045="
  written: string; // the 4 tokens as the model writes them, units first
  answer: number; // those digits read back in the usual order (NaN when it wrote a token that is not a digit)
  truth: number;
  right: boolean;
  digitRight: boolean[]; // per written digit, units first
  confidence: number[]; // the probability the model gave each token it wrote
}

/**
 * The answers of an addition model to many sums at once, decoded greedily: after each prompt it writes 4 tokens, each
 * the most likely next one (ties: the lowest id), all rows together (4 forward passes).
 */
export async function answerSums(params: Params, pairs: readonly Pair[]): Promise<SumAnswer[]> {
  if (pairs.length === 0) return [];
  const seqs = pairs.map(([a, b]) => additionExample(a, b).tokens.slice(0, PROMPT_LENGTH));
  const confidence: number[][] = pairs.map(() => []);
  for (let k = 0; k < ANSWER_LENGTH; k++) {
    const {logits} = await nextLogits(params, seqs, null); // one (vocabSize) row per sum
    logits.forEach((row, i) => {
      const id = argmax(row);
      seqs[i].push(id);
      confidence[i].push(softmax(row)[id]);
    });
  }
  return pairs.map(([a, b], i) => {
    const written = seqs[i].slice(PROMPT_LENGTH).map((id) => ADDITION_VOCAB[id]);
    const truth = additionAnswer(a, b); // as written, units first
    const digitRight = written.map((c, k) => c === truth[k]);
    const answer = /^\d+$/.test(written.join("")) ? Number([...written].reverse().join("")) : NaN;
    const prompt = additionPrompt(a, b);
    const right = digitRight.every(Boolean);
    return {
      a,
      b,
      prompt,
      written: written.join(""),
      answer,
      truth: a + b,
      right,
      digitRight,
      confidence: confidence[i]
    };
  });
}
