// The addition task: "123+045=" followed by the sum, zero-padded to 4 digits and reversed ("8610" for 0168),
// so the model writes the least significant digit first, as a person adding by hand does.
import {IGNORE_INDEX} from "../loss.js";
import {CharTokenizer} from "../tokenizer.js";
import {stream, type Batch, type Dataset, type Split} from "./corpus.js";

/** Digit d has id d; then "+" (10) and "=" (11). */
export const ADDITION_VOCAB: readonly string[] = [..."0123456789", "+", "="];
export const PROMPT_LENGTH = 8; // "ABC+DEF="
export const ANSWER_LENGTH = 4; // the reversed sum
export const EXAMPLE_LENGTH = PROMPT_LENGTH + ANSWER_LENGTH;

/** True when a tokenizer's vocabulary is the addition task's. */
export const isAdditionVocab = (vocab: readonly string[] | null | undefined): boolean =>
  !!vocab && vocab.length === ADDITION_VOCAB.length && vocab.every((c, i) => c === ADDITION_VOCAB[i]);

export const additionTokenizer = (): CharTokenizer => new CharTokenizer(ADDITION_VOCAB);

/** Two numbers in 0…999. */
export type Pair = readonly [a: number, b: number];

/** "ABC+DEF=" with both numbers zero-padded to 3 digits. */
export const additionPrompt = (a: number, b: number): string =>
  `${String(a).padStart(3, "0")}+${String(b).padStart(3, "0")}=`;

/** The answer as the model writes it: a + b zero-padded to 4 digits, reversed. */
export const additionAnswer = (a: number, b: number): string => [...String(a + b).padStart(4, "0")].reverse().join("");

/** The 12 characters of an example, e.g. 123 + 45 → "123+045=8610". */
export const formatAddition = (a: number, b: number): string => additionPrompt(a, b) + additionAnswer(a, b);

/**
 * An example's 12 token ids and, for each, its label: IGNORE_INDEX at the 8 prompt positions, the digit itself at the
 * 4 answer positions. The model reads tokens[0..10] and is trained on labels[1..11] (see additionTask).
 */
export function additionExample(a: number, b: number): {tokens: number[]; labels: number[]} {
  const tokens = [...formatAddition(a, b)].map((c) => ADDITION_VOCAB.indexOf(c));
  const labels = tokens.map((id, i) => (i < PROMPT_LENGTH ? IGNORE_INDEX : id));
  return {tokens, labels};
}

/**
 * n distinct pairs drawn uniformly from the 10⁶ pairs, skipping those in exclude (keys a·1000 + b). The stream
 * depends on (seed, exclude.size): a held-out draw is not the training draw of the same seed.
 */
export function additionPairs(seed: number, n: number, exclude: ReadonlySet<number> = new Set()): Pair[] {
  if (n + exclude.size > 1_000_000) throw new Error(`cannot draw ${n} distinct pairs besides ${exclude.size} others`);
  const uniform = stream(seed, "addition-pairs", exclude.size);
  const seen = new Set<number>();
  const pairs: Pair[] = [];
  while (pairs.length < n) {
    const key = Math.floor(uniform() * 1_000_000);
    if (seen.has(key) || exclude.has(key)) continue;
    seen.add(key);
    pairs.push([Math.floor(key / 1000), key % 1000]);
  }
  return pairs;
}

export const pairKeys = (pairs: readonly Pair[]): Set<number> => new Set(pairs.map(([a, b]) => a * 1000 + b));

export interface AdditionTask extends Dataset<CharTokenizer> {
  train: Pair[];
  test: Pair[]; // held out: no pair of train
}

/**
 * The addition dataset: nTrain training pairs and nTest held-out pairs, disjoint. Training batches walk through
 * the training pairs an epoch at a time, each epoch in its own seeded order; val batches walk through the test pairs.
 * x is an example's first 11 tokens and y its labels shifted by one: 7 ignored positions, then the 4 answer digits.
 */
export function additionTask({seed, nTrain = 10_000, nTest = 1000}: {seed: number; nTrain?: number; nTest?: number}) {
  const train = additionPairs(seed, nTrain);
  const test = additionPairs(seed, nTest, pairKeys(train));
  const T = EXAMPLE_LENGTH - 1;
  let order = {epoch: -1, pairs: train};
  const trainPair = (k: number): Pair => {
    const epoch = Math.floor(k / nTrain);
    if (order.epoch !== epoch) order = {epoch, pairs: shuffle(train, stream(seed, "epoch", epoch))};
    return order.pairs[k % nTrain];
  };
  const batch = (split: Split, index: number, B: number): Batch => {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const k = index * B + b; // the k-th example of the split's stream
      const [a, c] = split === "train" ? trainPair(k) : test[k % nTest];
      const {tokens, labels} = additionExample(a, c);
      x.set(tokens.slice(0, T), b * T);
      y.set(labels.slice(1), b * T);
    }
    return {x, y, B, T};
  };
  const task: AdditionTask = {tokenizer: additionTokenizer(), blockSize: T, batch, train, test};
  return task;
}

/** A seeded Fisher–Yates shuffle (a new array). */
function shuffle<T>(items: readonly T[], uniform: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
