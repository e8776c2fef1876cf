// What chapter 8 asks its model while it trains: held-out accuracy on sums, and a short sample.
import {additionAccuracy, answerSums, type SumAnswer} from "../../gpt/evaluate.js";
import type {Params} from "../../gpt/params.js";
import {generate} from "../../gpt/sample.js";
import type {Tokenizer} from "../../gpt/tokenizer.js";
import type {TrainData} from "./trainData.js";
import type {AccuracyPoint, Sample} from "./trainState.js";

/** A short sample after prompt (ids), drawn at temperature 0.8 with the given seed. */
async function sampleText(
  params: Params,
  tokenizer: Tokenizer,
  prompt: readonly number[],
  {length = 80, seed = 1}: {length?: number; seed?: number} = {}
): Promise<{prompt: string; text: string}> {
  const start = prompt.length ? [...prompt] : [0];
  const ids = await generate(params, start, {maxNewTokens: length, temperature: 0.8, seed});
  return {prompt: tokenizer.decode(start), text: tokenizer.decode(ids.slice(start.length))};
}

/** Chapter 8's accuracy at a step: 200 held-out sums answered greedily, whole answers and per digit. */
export async function heldOutAccuracy(params: Params, data: TrainData, step: number): Promise<AccuracyPoint> {
  const score = await additionAccuracy(params, data.addition!.test.slice(0, 200), 200);
  return {step, exact: score.exact, digits: score.perPosition};
}

/** "426 + 512 = 938" when the model wrote that, else "426 + 512 = 938, model wrote 1110" (its digits read back). */
export function sumLine(s: SumAnswer): string {
  const line = `${s.a} + ${s.b} = ${s.truth}`;
  if (s.right) return line;
  const wrote = Number.isNaN(s.answer) ? [...s.written].reverse().join("") : String(s.answer);
  return `${line}, model wrote ${wrote}`;
}

/** Chapter 8's sample at a step: four held-out sums as the model answers them, or 60 characters of text. */
export async function trainingSample(params: Params, data: TrainData, step: number): Promise<Sample> {
  if (data.addition) {
    const sums = await answerSums(params, data.addition.test.slice(0, 4));
    return {step, lines: sums.map((s) => ({text: sumLine(s), ok: s.right}))};
  }
  const {prompt, text} = await sampleText(params, data.dataset.tokenizer, data.prompt, {length: 60, seed: step});
  return {step, lines: [{prompt, text}]};
}
