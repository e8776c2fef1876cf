// Splitting a text before BPE: special tokens come out whole, and the rest is cut into chunks that no merge crosses.

/** "none": the text is one sequence. "gpt2": GPT-2's regex chunks (contractions, words, numbers, punctuation, spaces). */
export type Pattern = "none" | "gpt2";

export const PATTERNS: readonly Pattern[] = ["none", "gpt2"];

export const isPattern = (x: unknown): x is Pattern => (PATTERNS as readonly unknown[]).includes(x);

/**
 * GPT-2's split (encoder.py, and tiktoken's r50k_base pat_str), with the u flag so that \p{L} (letters) and \p{N}
 * (numbers) are Unicode's classes, as in Python's regex module. A space joins the word, number or punctuation after it;
 * a run of spaces gives all but its last space to a chunk of its own.
 */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** The chunks of a text, in order; joined they give the text back. */
export function chunksOf(text: string, pattern: Pattern): string[] {
  if (pattern === "none") return text === "" ? [] : [text];
  return text.match(new RegExp(GPT2_SPLIT)) ?? [];
}

/** A piece of text: ordinary text to encode, or one special token. */
export interface Piece {
  text: string;
  special: boolean;
}

/** The text cut around every occurrence of the special tokens (the longest wins where two start at one place). */
export function splitSpecial(text: string, special: readonly string[]): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  for (;;) {
    let at = -1;
    let token = "";
    for (const s of special) {
      const i = text.indexOf(s, start);
      if (i >= 0 && (at < 0 || i < at || (i === at && s.length > token.length))) [at, token] = [i, s];
    }
    if (at < 0) break;
    if (at > start) pieces.push({text: text.slice(start, at), special: false});
    pieces.push({text: token, special: true});
    start = at + token.length;
  }
  if (start < text.length) pieces.push({text: text.slice(start), special: false});
  return pieces;
}
