// Chapter 10's first table: the reader's text cut into characters, words, bytes and GPT-2's tokens.
import {gpt2} from "./gpt2Text.js";

export interface UnitRow {
  unit: string;
  /** Distinct units in this text. */
  distinct: number;
  /** What a real vocabulary of this unit needs. */
  vocabulary: string;
  /** The text's length in this unit. */
  length: number;
  /** What a text the vocabulary has not seen does to it. */
  unseen: string;
}

export function units(text: string): UnitRow[] {
  const chars = [...text];
  const words = text.split(/\s+/).filter((w) => w !== "");
  const bytes = new TextEncoder().encode(text);
  return [
    {
      unit: "characters",
      distinct: new Set(chars).size,
      vocabulary: "about 150,000 in Unicode",
      length: chars.length,
      unseen: "a new character is unknown"
    },
    {
      unit: "words",
      distinct: new Set(words).size,
      vocabulary: "hundreds of thousands, and never all",
      length: words.length,
      unseen: "every new word is unknown"
    },
    {unit: "bytes (UTF-8)", distinct: new Set(bytes).size, vocabulary: "256", length: bytes.length, unseen: "nothing"},
    {
      unit: "GPT-2's BPE tokens",
      distinct: new Set(gpt2().encode(text)).size,
      vocabulary: "50,257",
      length: gpt2().encode(text).length,
      unseen: "nothing: it falls back on bytes"
    }
  ];
}
