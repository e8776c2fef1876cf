// Chapter 9's generation: the library's sampler (or beam search) run token by token, with everything the views
// show about each choice — the model's distribution, what each sampling rule kept, the window, the cache.
import {beamSearch} from "../../gpt/beam.js";
import type {Distribution} from "../../gpt/distribution.js";
import {compareDecoding, type Speed} from "../../gpt/kvcache.js";
import {sample} from "../../gpt/sample.js";
import type {TrainedModel} from "../checkpoints/trainedModels.js";
import {expose} from "../page/testHooks.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    generation?: {runs: number; text: string; settings: GenSettings};
  }
}

let runs = 0; // finished generations, for window.__tinygpt.generation

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

/** One candidate next token at a step: its probability before and after each rule. */
export interface TokenRow {
  id: number;
  token: string;
  p: number; // the model's probability
  scaled: number; // after the temperature
  keptK: boolean | null; // null: top-k off
  keptP: boolean | null; // null: top-p off
  final: number; // what the draw used (0: dropped)
  chosen: boolean;
}

export interface GenStep {
  index: number;
  id: number;
  rows: TokenRow[]; // the model's top candidates (and the chosen token, if it was not among them)
  kept: number; // how many tokens could be drawn
  window: [number, number]; // the positions [start, end) the model read for this token
  ran: number; // positions run through the model: 1 when the KV cache held the rest
  cached: number; // positions in the cache after this step
}

export interface GenState {
  prompt: number[];
  generated: number[];
  steps: GenStep[];
  beams: {ids: number[]; score: number}[] | null;
  done: boolean;
  ms: number;
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

function rows(dist: Distribution, chosen: number, vocab: readonly string[], n = 10): TokenRow[] {
  const top = dist.probs
    .map((p, id) => ({p, id}))
    .sort((a, b) => b.p - a.p || a.id - b.id)
    .slice(0, n);
  if (!top.some((t) => t.id === chosen)) top.push({p: dist.probs[chosen], id: chosen});
  return top.map(({id, p}) => ({
    ...{id, token: vocab[id], p, scaled: dist.scaled[id], final: dist.final[id], chosen: id === chosen},
    keptK: dist.topK ? dist.topK.includes(id) : null,
    keptP: dist.topP ? dist.topP.includes(id) : null
  }));
}

const rules = (s: GenSettings) =>
  s.method === "greedy"
    ? {greedy: true}
    : {temperature: s.temperature, topK: s.topK > 0 ? s.topK : undefined, topP: s.topP < 1 ? s.topP : undefined};

/** Generates from the prompt, yielding the state as it grows (at most every 60 ms) and once when done. */
export async function* generation(model: TrainedModel, prompt: number[], s: GenSettings): AsyncGenerator<GenState> {
  model.acquire();
  const state: GenState = {prompt, generated: [], steps: [], beams: null, done: false, ms: 0};
  const t0 = performance.now();
  let shown = t0;
  const due = () => performance.now() - shown > 60 && (shown = performance.now());
  try {
    const {params, signal} = model;
    const T = model.config.blockSize;
    if (s.method === "beam search") {
      const search = beamSearch(params, prompt, {
        width: s.beam,
        maxNewTokens: s.maxNewTokens,
        kvCache: s.kvCache,
        signal
      });
      for (let r = await search.next(); ; r = await search.next()) {
        const best = r.done ? [r.value] : r.value.beams;
        state.beams = best.map((h) => ({ids: h.tokens, score: h.score}));
        state.generated = best[0]?.tokens ?? [];
        if (r.done) break;
        if (due()) yield {...state, steps: [...state.steps], ms: performance.now() - t0};
      }
    } else {
      const options = {...rules(s), maxNewTokens: s.maxNewTokens, seed: s.seed, kvCache: s.kvCache, signal, topN: 10};
      for await (const step of sample(params, prompt, options)) {
        const n = prompt.length + step.index; // tokens read for this step
        const window: [number, number] = [Math.max(0, n - T), n];
        const kept = step.dist.kept.length;
        const row = rows(step.dist, step.token, model.tokenizer.vocab);
        state.steps.push({
          index: step.index,
          id: step.token,
          rows: row,
          kept,
          window,
          ran: step.ran,
          cached: step.cache?.length ?? 0
        });
        state.generated = [...state.generated, step.token];
        if (due()) yield {...state, steps: [...state.steps], ms: performance.now() - t0};
      }
    }
    state.done = true;
    const text = model.tokenizer.decode(state.generated);
    expose("generation", {runs: ++runs, text, settings: {...s}});
    yield {...state, ms: performance.now() - t0};
  } finally {
    model.release();
  }
}

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
