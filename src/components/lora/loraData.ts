// What chapter 11 fine-tunes and measures: a base model (its file's bytes, so each copy loads fresh), the reader's
// new text in that model's vocabulary, and held-out text of both — the new text's last 10%, and Shakespeare as the
// model itself writes it (the loss on it rises with what fine-tuning makes it forget).
import {loadCheckpoint} from "../../gpt/checkpoint.js";
import type {GPTConfig} from "../../gpt/config.js";
import {CORPORA} from "../../gpt/data/corpora.js";
import {charCorpus, type Batch, type CharCorpus} from "../../gpt/data/corpus.js";
import {fitText, modelText, sequenceBatch, type FittedText} from "../../gpt/finetune.js";
import {decodeText} from "../../gpt/limits.js";
import {sha256Hex} from "../../gpt/loraFile.js";
import {disposeParams} from "../../gpt/params.js";
import {CharTokenizer} from "../../gpt/tokenizer.js";

/** The model every fine-tune starts from: the checkpoint file, what identifies it, and what it is. */
export interface Base {
  bytes: Uint8Array;
  sha256: string;
  config: GPTConfig;
  tokenizer: CharTokenizer;
}

/** A checkpoint file as a base: checked whole (its weights load, then are freed), hashed, its tokenizer kept. */
export async function baseOf(bytes: Uint8Array, name: string): Promise<Base> {
  const {config, tokenizer, params} = loadCheckpoint(bytes);
  disposeParams(params);
  if (!(tokenizer instanceof CharTokenizer)) throw new Error(`${name} has no character tokenizer`);
  return {bytes, sha256: await sha256Hex(bytes), config, tokenizer};
}

export const TEXT_CHOICES = ["fables", "toy sentences", "your text"] as const;

/** The reader's text and what it takes to learn it: the data control's value. */
export interface TextSource {
  choice: string;
  text: string | null;
  origin: string | null;
}

const MIN_CHARS = 2000;

/** Why a text cannot be fine-tuned on here, or null. */
export const checkText = (text: string): string | null =>
  text.length < MIN_CHARS
    ? `the text has ${text.length} characters; give at least ${MIN_CHARS.toLocaleString("en-US")}`
    : null;

/** A file's bytes as text (the library's checks: not empty, at most 10 MB, UTF-8, no NUL). */
export const readText = (bytes: Uint8Array, name: string): string => decodeText(bytes, name);

/** The new text, fitted to the base's vocabulary, and its windows of T tokens (90% train, 10% held out). */
export interface NewText {
  label: string;
  fitted: FittedText;
  data: CharCorpus;
}

/**
 * The reader's text, or a course corpus: the first 200,000 characters of the fables, or the toy sentences ten times
 * (417 characters: ten times, so that the last tenth holds several windows).
 */
export function newText(source: TextSource, base: Base, T: number, seed: number): NewText {
  const raw =
    source.text ?? (source.choice === "fables" ? CORPORA.fables().slice(0, 200_000) : CORPORA.toy().repeat(10));
  const fitted = fitText(raw, base.tokenizer);
  const label = source.origin ?? (source.choice === "fables" ? "the fables" : "the toy sentences");
  return {label, fitted, data: charCorpus(fitted.text, {blockSize: T, seed, tokenizer: base.tokenizer})};
}

/** The new text's held-out batch: its first rows windows of T tokens from the last 10%. */
export function heldOut({data}: NewText, rows: number): Batch {
  const T = data.blockSize;
  const seqs = Array.from({length: rows}, (_, b) => Array.from(data.val.subarray(b * T, b * T + T + 1)));
  return sequenceBatch(seqs.filter((seq) => seq.length === T + 1));
}

/** Shakespeare as the base writes it: rows sequences of T + 1 characters after a newline, seeded. */
export async function shakespeareText(base: Base, rows: number, T: number, seed: number): Promise<Batch> {
  const {params} = loadCheckpoint(base.bytes);
  try {
    const start = base.tokenizer.encode("\n")[0];
    return sequenceBatch(await modelText(params, {rows, length: T, start, seed}));
  } finally {
    disposeParams(params);
  }
}

/** The text's sizes, and what was changed to fit it in the model's vocabulary, in a sentence. */
export function describeText({label, fitted, data}: NewText): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const changes = [
    ...fitted.replaced.map((c) => `${JSON.stringify(c.char)} became ${JSON.stringify(c.by)} (${n(c.count)}×)`),
    ...fitted.dropped.map((c) => `${JSON.stringify(c.char)} was dropped (${n(c.count)}×)`)
  ];
  const fit = changes.length ? `Outside the model's vocabulary: ${changes.join(", ")}.` : "Every character is known.";
  return `${label}: ${n(data.train.length)} characters to train on, ${n(data.val.length)} held out. ${fit}`;
}
