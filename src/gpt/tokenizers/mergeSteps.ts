// BPE training one merge at a time, by recounting every pair: slow, but each step can be shown (chapter 10's stepper),
// and it is the plain statement of the rule that trainBpe keeps incrementally.
import {BYTES} from "./bpe.js";
import {chunksOf, splitSpecial, type Pattern} from "./pretokenize.js";

/** A text as BPE training sees it: the ids of each chunk, in order (special tokens left out). */
export type Chunks = number[][];

export interface PairCount {
  pair: [number, number];
  /** Adjacent occurrences (overlapping ones, as in "aaa", count twice). */
  count: number;
  /** The position in the whole sequence (all chunks one after the other) of the first occurrence. */
  first: number;
}

/** The bytes of each chunk of a text. */
export function textChunks(text: string, pattern: Pattern, special: readonly string[] = []): Chunks {
  const utf8 = new TextEncoder();
  return splitSpecial(text, special)
    .filter((piece) => !piece.special)
    .flatMap((piece) => chunksOf(piece.text, pattern))
    .map((chunk) => Array.from(utf8.encode(chunk)));
}

/** Every adjacent pair within a chunk, most frequent first, and among equal counts the earliest first: [0] wins. */
export function pairCounts(chunks: Chunks): PairCount[] {
  const pairs = new Map<string, PairCount>();
  let position = 0;
  for (const ids of chunks) {
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = `${ids[i]},${ids[i + 1]}`;
      const seen = pairs.get(key);
      if (seen) seen.count += 1;
      else pairs.set(key, {pair: [ids[i], ids[i + 1]], count: 1, first: position + i});
    }
    position += ids.length;
  }
  return [...pairs.values()].sort((x, y) => y.count - x.count || x.first - y.first);
}

/** Every occurrence of pair replaced by id, left to right ("aaa" with pair a a gives [id, a]). */
export function mergePair(chunks: Chunks, [a, b]: readonly [number, number], id: number): Chunks {
  return chunks.map((ids) => {
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
        out.push(id);
        i += 1;
      } else out.push(ids[i]);
    }
    return out;
  });
}

/** The first n merges of a text, one recount per merge (fewer when the text runs out of pairs). */
export function naiveMerges(chunks: Chunks, n: number): [number, number][] {
  const merges: [number, number][] = [];
  while (merges.length < n) {
    const [best] = pairCounts(chunks);
    if (!best) break;
    chunks = mergePair(chunks, best.pair, BYTES + merges.length);
    merges.push(best.pair);
  }
  return merges;
}
