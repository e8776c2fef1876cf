// The one Tokenizer interface every tokenizer implements (characters, byte-level BPE), its serialised forms, and the
// error a malformed tokenizer or an unreadable text raises.
import type {Pattern} from "./pretokenize.js";

/** Text ↔ token ids. The model, the datasets, sampling, evaluation and checkpoints take any Tokenizer. */
export interface Tokenizer {
  /** Ids run from 0 to vocabSize - 1. */
  readonly vocabSize: number;
  encode(text: string): number[];
  /** The text of a sequence of ids; throws on an id outside [0, vocabSize). */
  decode(ids: ArrayLike<number>): string;
  /** One token as text, for display (a byte sequence that is not whole UTF-8 shows its bytes as \xHH). */
  tokenString(id: number): string;
  /** What a checkpoint's metadata (and a TOK.json file) holds. */
  toJSON(): TokenizerJSON;
}

/** The character tokenizer: exactly {"type": "char", "vocab": [...characters in id order...]}. */
export interface CharTokenizerJSON {
  type: "char";
  vocab: string[];
}

/**
 * A byte-level BPE: ids 0–255 are bytes, merge i joins the pair [a, b] into id 256 + i, special tokens come after.
 * "bytes" (only when the base ids are not the bytes in order, as in GPT-2) names the byte of each id 0–255.
 */
export interface BpeTokenizerJSON {
  type: "bpe";
  pattern: Pattern;
  merges: [number, number][];
  special: Record<string, number>;
  bytes?: number[];
}

export type TokenizerJSON = CharTokenizerJSON | BpeTokenizerJSON;

export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenizerError";
  }
}
