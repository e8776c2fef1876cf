// The data chapter 7 trains on: the library's corpora and addition task, or the reader's own sample text.
import {CORPORA} from "../../gpt/data/corpora.js";
import {additionTask} from "../../gpt/data/addition.js";
import {charCorpus, textWindows, type Dataset} from "../../gpt/data/corpus.js";

export const CORPUS_CHOICES = ["toy sentences", "fables", "addition", "your sample text"] as const;
export type CorpusChoice = (typeof CORPUS_CHOICES)[number];

export interface StepCorpus {
  data: Dataset;
  T: number; // the sequence length of every batch
  /** Why T differs from the reader's blockSize, when it does. */
  note: string | null;
}

/** Why a choice cannot train here (the sample text is too short to make one (x, y) pair), naming the field; or null. */
export function corpusProblem(choice: CorpusChoice, text: string): string | null {
  if (choice !== "your sample text") return null;
  const n = [...text].length;
  if (n >= 2) return null;
  return `sample text has ${n} character${n === 1 ? "" : "s"}; one (x, y) pair takes at least 2`;
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
    const problem = corpusProblem(choice, text);
    if (problem) throw new Error(problem);
    const n = [...text].length;
    const T = Math.min(blockSize, n - 1);
    const note = T === blockSize ? null : `your ${n}-character text fits windows of ${T}`;
    return {data: textWindows(text, {blockSize: T, seed}), T, note};
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
