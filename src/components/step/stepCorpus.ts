// The data chapter 7 trains on: the library's corpora and addition task, or the reader's own sample text.
import {CORPORA} from "../../gpt/data/corpora.js";
import {additionTask} from "../../gpt/data/addition.js";
import {charCorpus, stream, type Batch, type Dataset} from "../../gpt/data/corpus.js";
import {CharTokenizer} from "../../gpt/tokenizer.js";

export const CORPUS_CHOICES = ["toy sentences", "fables", "addition", "your sample text"] as const;
export type CorpusChoice = (typeof CORPUS_CHOICES)[number];

export interface StepCorpus {
  data: Dataset;
  T: number; // the sequence length of every batch
  /** Why T differs from the reader's blockSize, when it does. */
  note: string | null;
}

/**
 * The dataset for a choice, with sequences of the reader's blockSize where the data allows: the addition task's
 * examples are always 11 tokens, a character corpus's 10% validation split must hold a whole window, and the sample
 * text (too short to split) gives windows of at most its length − 1.
 */
export function stepCorpus(choice: CorpusChoice, text: string, blockSize: number, seed: number): StepCorpus {
  if (choice === "addition") {
    const data = additionTask({seed});
    const note = data.blockSize === blockSize ? null : `addition examples are ${data.blockSize} tokens long`;
    return {data, T: data.blockSize, note};
  }
  if (choice === "your sample text") {
    const n = [...text].length;
    if (n < 2) throw new Error("the sample text needs at least 2 characters to make one (x, y) pair");
    const T = Math.min(blockSize, n - 1);
    const note = T === blockSize ? null : `your ${n}-character text fits windows of ${T}`;
    return {data: textWindows(text, T, seed), T, note};
  }
  const corpus = choice === "toy sentences" ? CORPORA.toy() : fables();
  const n = [...corpus].length;
  const maxT = n - Math.floor(0.9 * n) - 1; // the validation split must be longer than a window
  const T = Math.min(blockSize, maxT);
  const note = T === blockSize ? null : `the ${choice}' validation split fits windows of ${T}`;
  return {data: charCorpus(corpus, {blockSize: T, seed}), T, note};
}

let cachedFables: string | null = null;
const fables = (): string => (cachedFables ??= CORPORA.fables());

/** Random windows of T + 1 characters of a short text, no split: y is x shifted by one character. */
export function textWindows(text: string, T: number, seed: number): Dataset {
  const tokenizer = CharTokenizer.fromText(text);
  const ids = tokenizer.encode(text);
  if (ids.length < T + 1) throw new Error(`a window of T + 1 = ${T + 1} characters needs a longer text`);
  const batch = (split: string, index: number, B: number): Batch => {
    const uniform = stream(seed, "text", split, index);
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const i = Math.floor(uniform() * (ids.length - T)); // 0 ≤ i ≤ length − T − 1
      x.set(ids.slice(i, i + T), b * T);
      y.set(ids.slice(i + 1, i + T + 1), b * T);
    }
    return {x, y, B, T};
  };
  return {tokenizer, blockSize: T, batch};
}
