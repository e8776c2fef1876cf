// What a chapter's forward pass reads: the tokens of the context, and the character after each that the model is
// scored on. The reader's fresh model reads the sample text; a trained model reads it too when its vocabulary covers
// it (else a passage it does), and the addition model reads a sum, as it was trained to.
import type {ModelTokenizer, TrainedModel} from "../checkpoints/trainedModels.js";
import {PROMPT_LENGTH, formatAddition} from "../../gpt/data/addition.js";
import {contextOf, type ModelSizes} from "./readerModel.js";

export interface Context {
  tokenizer: ModelTokenizer;
  tokens: string[]; // the characters the model reads
  ids: number[];
  /** The id of the character after each position, where the model is scored on it; null elsewhere. */
  targets: (number | null)[];
  /** The reader's text when a trained model could not read it: its first character outside the vocabulary. */
  unknown: string | null;
}

/** A text model's fallback when the reader's text has characters outside its vocabulary. */
export const PASSAGE = "ROMEO:\nBut soft, what light through yonder window breaks?";

/** The sum the addition model reads: 456 + 789 carries at every digit. */
export const SUM = [456, 789] as const;

const nextIds = (tokenizer: ModelTokenizer, text: string[], n: number) =>
  Array.from({length: n}, (_, t) => (t + 1 < text.length ? tokenizer.encode(text[t + 1])[0] : null));

/** The reader's model reads the sample text's first blockSize characters and is scored on each next one. */
export function readerContext(model: ModelSizes): Context {
  const {tokenizer, tokens, ids} = contextOf(model);
  return {tokenizer, tokens, ids, targets: nextIds(tokenizer, [...model.text], ids.length), unknown: null};
}

/**
 * A trained model's context. The addition model reads "456+789=" and the first three digits of its reversed answer
 * (11 tokens, as in training) and is scored on the four answer digits only; a text model reads the sample text, or
 * PASSAGE when the text has a character outside its vocabulary (named in `unknown`).
 */
export function trainedContext(trained: TrainedModel, text: string): Context {
  const {tokenizer, config} = trained;
  const known = (c: string) => tokenizer.vocab.includes(c);
  if (trained.addition) {
    const chars = [...formatAddition(...SUM)];
    const tokens = chars.slice(0, chars.length - 1);
    const targets = nextIds(tokenizer, chars, tokens.length).map((id, t) => (t + 1 >= PROMPT_LENGTH ? id : null));
    return {tokenizer, tokens, ids: tokenizer.encode(tokens.join("")), targets, unknown: null};
  }
  const unknown = [...text].find((c) => !known(c)) ?? null;
  const readable = unknown === null ? text : [...PASSAGE].every(known) ? PASSAGE : [...text].filter(known).join("");
  const chars = [...(readable || tokenizer.vocab[0])];
  const tokens = chars.slice(0, config.blockSize);
  return {
    tokenizer,
    tokens,
    ids: tokenizer.encode(tokens.join("")),
    targets: nextIds(tokenizer, chars, tokens.length),
    unknown
  };
}
