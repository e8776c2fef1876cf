// Loss per byte: a model's loss per token spread over the UTF-8 bytes its tokens stand for, so that models with
// different tokenizers (characters, BPE of any size) are compared on the same text.
import type {Tokenizer} from "./tokenizers/tokenizer.js";

/** The UTF-8 bytes of the text a sequence of ids stands for. */
export const textBytes = (tokenizer: Tokenizer, ids: ArrayLike<number>): number =>
  new TextEncoder().encode(tokenizer.decode(ids)).length;

/** Loss per byte in nats: the mean loss per token × tokens / bytes. */
export const lossPerByte = (lossPerToken: number, tokens: number, bytes: number): number =>
  (lossPerToken * tokens) / bytes;

/** Nats as bits: ÷ ln 2. */
export const bits = (nats: number): number => nats / Math.LN2;
