// GPT-2's real tokenizer on the reader's text (chapter 10): its merges, recovered from js-tiktoken's r50k_base ranks
// (bundled with this page only, no request), and what the page draws of a text: chunks, tokens, quirks.
import r50k from "js-tiktoken/ranks/r50k_base";
import {fromTiktoken, type BpeTokenizer} from "../../gpt/tokenizer.js";

let cached: BpeTokenizer | null = null;

/** GPT-2's tokenizer (built once: about 0.3 s). */
export const gpt2 = (): BpeTokenizer => (cached ??= fromTiktoken(r50k));

/** A stretch of the text and the tokens that spell it: one token, or several when a character's bytes are split. */
export interface Piece {
  text: string;
  ids: number[];
  chunk: number;
}

export interface Gpt2Text {
  chunks: string[];
  ids: number[];
  /** Each token's text, bytes that are not a whole character as \xHH. */
  tokens: string[];
  pieces: Piece[];
  bytes: number;
}

/** The text through GPT-2: the regex chunks, the ids, and the pieces of text the tokens cover. */
export function gpt2Text(text: string): Gpt2Text {
  const tokenizer = gpt2();
  const chunks = tokenizer.encodeChunks(text);
  const strict = new TextDecoder("utf-8", {fatal: true, ignoreBOM: true});
  const pieces: Piece[] = [];
  chunks.forEach(({ids}, chunk) => {
    let pending: number[] = [];
    for (const id of ids) {
      pending.push(id);
      try {
        const piece = strict.decode(tokenizer.bytesOf(pending));
        pieces.push({text: piece, ids: pending, chunk});
        pending = [];
      } catch {
        // an incomplete character: the next token holds the rest of its bytes
      }
    }
  });
  const ids = chunks.flatMap((c) => c.ids);
  return {
    chunks: chunks.map((c) => c.text),
    ids,
    tokens: ids.map((id) => tokenizer.tokenString(id)),
    pieces,
    bytes: new TextEncoder().encode(text).length
  };
}

export interface QuirkRow {
  label: string;
  text: string;
  tokens: string[];
}

/** The same word with and without a leading space and a capital, and a few numbers and line breaks. */
export function quirks(sample: string): QuirkRow[] {
  const words = (sample.match(/\p{L}+/gu) ?? []).filter((w) => w.length >= 5);
  const word = (words.sort((a, b) => b.length - a.length)[0] ?? "tokenizer").toLowerCase();
  const capital = word[0].toUpperCase() + word.slice(1);
  const cases: [string, string][] = [
    ["a word of your text", word],
    ["with a space before", ` ${word}`],
    ["capitalised", capital],
    ["capitalised, with a space", ` ${capital}`],
    ["in capitals", word.toUpperCase()],
    ["a year", " 2024"],
    ["a longer number", " 1234567"],
    ["a blank line before a word", "\n\nThe"],
    ["two spaces before a word", "  the"],
    ["a contraction", "don't"],
    ["in capitals", "DON'T"]
  ];
  const tokenizer = gpt2();
  return cases.map(([label, text]) => ({
    label,
    text,
    tokens: tokenizer.encode(text).map((id) => tokenizer.tokenString(id))
  }));
}
