// Training data as the loop sees it, and text corpora: a tokenizer, nanoGPT's 90/10 split, random windows.
import {hashString, mulberry32} from "../random.js";
import {CharTokenizer, type Tokenizer} from "../tokenizer.js";

export type Split = "train" | "val";

/** B rows of T token ids, row-major (x[b * T + t]); y[b * T + t] is the token after x's, or IGNORE_INDEX. */
export interface Batch {
  x: Int32Array; // (B, T)
  y: Int32Array; // (B, T)
  B: number;
  T: number;
}

/**
 * Batches that depend only on (the dataset's seed, split, index): batch i of a run is the same whether the run
 * went straight through or was stopped and resumed, so training resumes exactly.
 */
export interface Dataset<T extends Tokenizer = Tokenizer> {
  tokenizer: T;
  blockSize: number; // T of every batch
  batch(split: Split, index: number, B: number): Batch;
}

/** Uniform numbers in [0, 1) from the stream named by parts, e.g. stream(seed, "train", 12). */
export const stream = (...parts: (string | number)[]): (() => number) => mulberry32(hashString(parts.join(":")));

/** The id sequence of a text, split at 90% of its tokens into train and val (nanoGPT's shakespeare_char). */
export interface CharCorpus<T extends Tokenizer = Tokenizer> extends Dataset<T> {
  train: Int32Array;
  val: Int32Array;
}

/**
 * A text corpus: batches of B windows of blockSize + 1 ids at random offsets; x is a window's first blockSize
 * ids and y its last blockSize, so y[t] is the token after x[t]. The tokenizer defaults to the text's characters.
 */
export function charCorpus(text: string, options: {blockSize: number; seed: number}): CharCorpus<CharTokenizer>;
export function charCorpus<T extends Tokenizer>(
  text: string,
  options: {blockSize: number; seed: number; tokenizer: T}
): CharCorpus<T>;
export function charCorpus(
  text: string,
  {blockSize, seed, tokenizer = CharTokenizer.fromText(text)}: {blockSize: number; seed: number; tokenizer?: Tokenizer}
): CharCorpus {
  const ids = Int32Array.from(tokenizer.encode(text));
  const n = Math.floor(0.9 * ids.length);
  const splits = {train: ids.subarray(0, n), val: ids.subarray(n)};
  const unit = tokenizer instanceof CharTokenizer ? "characters" : "tokens";
  for (const [split, data] of Object.entries(splits)) {
    if (data.length <= blockSize) {
      throw new Error(
        `the ${split} split has ${data.length} ${unit}, too few for windows of blockSize + 1 = ${blockSize + 1}`
      );
    }
  }
  const batch = (split: Split, index: number, B: number): Batch =>
    windows(splits[split], B, blockSize, stream(seed, split, index));
  return {tokenizer, blockSize, batch, ...splits};
}

/**
 * A text too short to split (a reader's sample): batches of B windows of blockSize + 1 characters at random offsets
 * of the whole text, for both splits. The text must hold one window.
 */
export function textWindows(
  text: string,
  {blockSize, seed}: {blockSize: number; seed: number}
): Dataset<CharTokenizer> {
  const tokenizer = CharTokenizer.fromText(text);
  const ids = Int32Array.from(tokenizer.encode(text));
  if (ids.length < blockSize + 1) {
    throw new Error(`a window of blockSize + 1 = ${blockSize + 1} characters needs a longer text than ${ids.length}`);
  }
  const batch = (split: Split, index: number, B: number): Batch =>
    windows(ids, B, blockSize, stream(seed, "text", split, index));
  return {tokenizer, blockSize, batch};
}

/** B windows of T + 1 ids at offsets drawn from uniform: x the first T of each, y the last T (row-major). */
function windows(ids: Int32Array, B: number, T: number, uniform: () => number): Batch {
  const x = new Int32Array(B * T); // (B, T)
  const y = new Int32Array(B * T); // (B, T)
  for (let b = 0; b < B; b++) {
    const i = Math.floor(uniform() * (ids.length - T)); // 0 ≤ i ≤ length - T - 1
    x.set(ids.subarray(i, i + T), b * T);
    y.set(ids.subarray(i + 1, i + T + 1), b * T);
  }
  return {x, y, B, T};
}
