// Fine-tuning a trained model on a new text: the text put into the base's vocabulary, and one training session that
// trains either a LoRA adapter (every base weight frozen) or every weight (full fine-tuning), on the same data.
import {countParams} from "./count.js";
import type {Batch, Dataset} from "./data/corpus.js";
import {draw, random, softmax} from "./distribution.js";
import {KVCache, nextLogits} from "./kvcache.js";
import {adapterWeights, attachLora, detachLora, type Adapter, type LoraConfig} from "./lora.js";
import {namedParams, type Params} from "./params.js";
import type {TrainSettings} from "./recipes.js";
import {TrainingSession} from "./session.js";
import {CharTokenizer, type Tokenizer} from "./tokenizer.js";

/** Stand-ins for characters a vocabulary may lack, tried in order: quotes become quotes, dashes hyphens. */
const STAND_INS: Readonly<Record<string, readonly string[]>> = {
  '"': ["'"],
  "\u201c": ['"', "'"],
  "\u201d": ['"', "'"],
  "\u2018": ["'"],
  "\u2019": ["'"],
  "\u2013": ["-"],
  "\u2014": ["-"],
  "\t": [" "]
};

/** A text made to fit a vocabulary, and what was changed to fit it. */
export interface FittedText {
  text: string;
  replaced: {char: string; by: string; count: number}[];
  dropped: {char: string; count: number}[];
}

/**
 * The text in a character vocabulary: a character it lacks becomes its stand-in (STAND_INS) when the vocabulary has
 * one, and is dropped otherwise. A byte-level tokenizer reads every text: it is returned as it is.
 */
export function fitText(text: string, tokenizer: Tokenizer): FittedText {
  if (!(tokenizer instanceof CharTokenizer)) return {text, replaced: [], dropped: []};
  const known = new Set(tokenizer.vocab);
  const swaps = new Map<string, string | null>(); // char → its stand-in, or null: dropped
  const counts = new Map<string, number>();
  let out = "";
  for (const char of text) {
    if (known.has(char)) {
      out += char;
      continue;
    }
    if (!swaps.has(char)) swaps.set(char, STAND_INS[char]?.find((c) => known.has(c)) ?? null);
    counts.set(char, (counts.get(char) ?? 0) + 1);
    out += swaps.get(char) ?? "";
  }
  const changes = [...swaps].map(([char, by]) => ({char, by, count: counts.get(char)!}));
  return {
    text: out,
    replaced: changes.filter((c) => c.by !== null) as FittedText["replaced"],
    dropped: changes.filter((c) => c.by === null).map(({char, count}) => ({char, count}))
  };
}

export type FinetuneMode = "lora" | "full";

export interface FinetuneInit {
  params: Params; // the base model: the fine-tune owns it from now on (dispose frees it)
  data: Dataset; // the new text, in the base's tokenizer
  settings: TrainSettings;
  seed: number; // the adapter's initial A and the dropout masks
  lora: LoraConfig | null; // null: full fine-tuning
}

/** A model being fine-tuned: its session, its adapter (null when every weight trains), and what trains. */
export class Finetune {
  readonly session: TrainingSession;
  readonly adapter: Adapter | null;
  readonly mode: FinetuneMode;

  constructor({params, data, settings, seed, lora}: FinetuneInit) {
    this.adapter = lora ? attachLora(params, lora, seed) : null;
    const extra = this.adapter ? adapterWeights(this.adapter) : [];
    const frozen = this.adapter ? namedParams(params).map(({name}) => name) : [];
    this.session = new TrainingSession({params, data, settings, seed, extra, groups: {frozen}});
    this.mode = lora ? "lora" : "full";
  }

  get params(): Params {
    return this.session.params;
  }

  /** The numbers that train: the adapter's, or every weight of the model. */
  get trainable(): number {
    return this.session.optimizer.params.reduce((n, {variable}) => n + variable.size, 0);
  }

  /** The base model's parameter count (countParams; an adapter's are not counted in it). */
  get total(): number {
    return countParams(this.session.config).total;
  }

  /** Frees the model, the optimizer's state and the adapter. Stop any run first (session.stop, then let it end). */
  dispose(): void {
    this.session.dispose();
    if (this.adapter) detachLora(this.adapter);
  }
}

/**
 * rows sequences the model writes itself after the start token, length tokens each (temperature 1, seeded): text
 * distributed as the model's own, on which its loss is its own entropy. A fine-tuned copy's loss on it is higher
 * by how far it moved away from the base (the KL divergence): what it forgot.
 */
export async function modelText(
  params: Params,
  {rows, length, start, seed}: {rows: number; length: number; start: number; seed: number}
): Promise<number[][]> {
  const uniform = random(seed);
  const cache = new KVCache();
  const seqs = Array.from({length: rows}, () => [start]);
  try {
    for (let i = 0; i < length; i++) {
      const {logits} = await nextLogits(params, seqs, cache);
      logits.forEach((row, b) => seqs[b].push(draw(softmax(row), uniform())));
    }
  } finally {
    cache.clear();
  }
  return seqs;
}

/** Sequences of T + 1 tokens as one batch: each predicts its last T tokens from the ones before. */
export function sequenceBatch(seqs: readonly (readonly number[])[]): Batch {
  const [B, T] = [seqs.length, seqs[0].length - 1];
  const x = Int32Array.from(seqs.flatMap((seq) => seq.slice(0, T))); // (B, T)
  const y = Int32Array.from(seqs.flatMap((seq) => seq.slice(1))); // (B, T)
  return {x, y, B, T};
}
