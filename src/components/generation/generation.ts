// Chapter 9's controls and what they read: the decoding settings, the prompt (or why it cannot be read), the
// cached-against-uncached race, the addition model's sum. The generation itself streams (run.ts).
import {compareDecoding, type Speed} from "../../gpt/kvcache.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";

export const METHODS = ["greedy", "sample", "beam search"] as const;
export type Method = (typeof METHODS)[number];

export interface GenSettings {
  method: Method;
  temperature: number;
  topK: number; // 0: off
  topP: number; // 1: off
  beam: number; // beam search's width
  seed: number;
  maxNewTokens: number;
  kvCache: boolean;
}

/** The prompt's ids, or why it cannot be read (a character the model has never seen, an empty prompt). */
export function encodePrompt(
  model: Pick<TrainedModel, "tokenizer">,
  text: string
): {ids: number[]; problem: string | null} {
  if (text.length === 0) return {ids: [], problem: "the prompt is empty: type at least one character"};
  try {
    return {ids: model.tokenizer.encode(text), problem: null};
  } catch (error) {
    const {vocab} = model.tokenizer;
    const unknown = [...new Set(text)].filter((c) => !vocab.includes(c));
    const more = unknown.length > 9 ? ` and ${unknown.length - 9} more` : "";
    const others = unknown.length > 1 ? `, nor ${unknown.slice(1, 9).map(character).join(", ")}${more}` : "";
    const knows = `this model knows only the ${vocab.length} characters of its vocabulary`;
    return {ids: [], problem: `${(error as Error).message}${others}; ${knows}`};
  }
}

/** "\"é\" (U+00E9)", as the tokenizer names a character. */
const character = (c: string) =>
  `${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;

export interface Race {
  cached: {ms: number; tokensPerSecond: number; text: string};
  uncached: {ms: number; tokensPerSecond: number; text: string};
  same: boolean;
  newTokens: number;
}

/** Greedy decoding of the same tokens with and without the KV cache (after a warm-up run of both as long), timed. */
export function raceDecoding(model: TrainedModel, prompt: number[], newTokens: number): Promise<Race> {
  return model.use(async ({params, tokenizer}) => {
    const {cached, uncached, same} = await compareDecoding(params, prompt, newTokens, {warmup: newTokens});
    const timed = ({ms, tokensPerSecond, tokens}: Speed) => ({ms, tokensPerSecond, text: tokenizer.decode(tokens)});
    return {cached: timed(cached), uncached: timed(uncached), same, newTokens};
  });
}

/** A prompt the model can read: a play's speaker, a fable's opening, a sum, or its first character. */
export function defaultPrompt(model: TrainedModel): string {
  if (model.addition) return "123+456=";
  const fits = (text: string) => [...text].every((c) => model.tokenizer.vocab.includes(c));
  return ["ROMEO:\n", "Once upon a time", "The "].find(fits) ?? model.tokenizer.vocab[0];
}

/** Why two numbers cannot be a sum for the addition model, or null. */
export function sumProblem(a: number, b: number): string | null {
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 999;
  return ok(a) && ok(b) ? null : "give two whole numbers from 0 to 999";
}
