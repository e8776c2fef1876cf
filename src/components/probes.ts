// Asking a model something, for the pages: the addition model's answer to sums, and a short sample of text.
import {ADDITION_VOCAB, ANSWER_LENGTH, additionAnswer, additionPrompt, type Pair} from "../gpt/data/addition.js";
import {argmax, softmax} from "../gpt/distribution.js";
import {additionAccuracy} from "../gpt/evaluate.js";
import {nextLogits} from "../gpt/kvcache.js";
import type {Params} from "../gpt/params.js";
import {generate} from "../gpt/sample.js";
import type {CharTokenizer} from "../gpt/tokenizer.js";
import type {TrainData} from "./trainData.js";
import type {AccuracyPoint, Sample} from "./trainState.js";

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

/** True when a tokenizer's vocabulary is the addition task's. */
export const isAdditionVocab = (vocab: readonly string[] | null | undefined): boolean =>
  !!vocab && vocab.length === ADDITION_VOCAB.length && vocab.every((c, i) => c === ADDITION_VOCAB[i]);

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

/** A short sample after prompt (ids), drawn at temperature 0.8 with the given seed. */
async function sampleText(
  params: Params,
  tokenizer: CharTokenizer,
  prompt: readonly number[],
  {length = 80, seed = 1}: {length?: number; seed?: number} = {}
): Promise<{prompt: string; text: string}> {
  const start = prompt.length ? [...prompt] : [0];
  const ids = await generate(params, start, {maxNewTokens: length, temperature: 0.8, seed});
  return {prompt: tokenizer.decode(start), text: tokenizer.decode(ids.slice(start.length))};
}

/** Chapter 8's accuracy at a step: 200 held-out sums answered greedily, whole answers and per digit. */
export async function heldOutAccuracy(params: Params, run: TrainData, step: number): Promise<AccuracyPoint> {
  const score = await additionAccuracy(params, run.addition!.test.slice(0, 200), 200);
  return {step, exact: score.exact, digits: score.perPosition};
}

/** Chapter 8's sample at a step: four held-out sums as the model answers them, or 60 characters of text. */
export async function trainingSample(params: Params, run: TrainData, step: number): Promise<Sample> {
  if (run.addition) {
    const sums = await answerSums(params, run.addition.test.slice(0, 4));
    return {
      step,
      lines: sums.map((s) => ({text: `${s.a} + ${s.b} = ${[...s.written].reverse().join("")}`, ok: s.right}))
    };
  }
  const {prompt, text} = await sampleText(params, run.data.tokenizer, run.prompt, {length: 60, seed: step});
  return {step, lines: [{prompt, text}]};
}
