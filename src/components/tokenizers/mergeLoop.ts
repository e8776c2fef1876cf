// Chapter 10's merge loop on the reader's text: every state the stepper shows, as plain arrays, from the recount of
// gpt/tokenizers/mergeSteps.ts (a short text: a full recount per merge is instant).
import {
  BpeTokenizer,
  BYTES,
  mergePair,
  pairCounts,
  textChunks,
  type Chunks,
  type PairCount,
  type Pattern
} from "../../gpt/tokenizer.js";

export interface PairRow {
  pair: [number, number];
  /** The two tokens as text, e.g. ["t", "h"]. */
  parts: [string, string];
  count: number;
  first: number;
}

export interface MergeState {
  /** Merges done so far: the vocabulary has 256 + step tokens. */
  step: number;
  /** The whole sequence, chunk after chunk: each token's id and text. */
  ids: number[];
  tokens: string[];
  /** Pairs by count (ties: the earliest first), at most `rows` of them; [0] is the next merge. */
  counts: PairRow[];
  /** How many distinct pairs there are in all. */
  distinct: number;
  /** Positions (in ids) of the tokens the next merge joins, both tokens of each occurrence. */
  marked: number[];
  /** The merges so far: the new id, its two parts and its text. */
  learned: {id: number; parts: [string, string]; text: string}[];
}

export interface MergeLoop {
  states: MergeState[];
  bytes: number;
  chunks: number;
}

/** The states before each merge, for up to maxMerges merges of pairs that occur at least twice. */
export function mergeLoop(text: string, pattern: Pattern, {maxMerges = 16, rows = 8} = {}): MergeLoop {
  let chunks: Chunks = textChunks(text, pattern);
  const merges: [number, number][] = [];
  const steps: {chunks: Chunks; counts: PairCount[]}[] = [];
  for (;;) {
    const counts = pairCounts(chunks);
    steps.push({chunks, counts});
    if (merges.length >= maxMerges || !counts[0] || counts[0].count < 2) break;
    merges.push(counts[0].pair);
    chunks = mergePair(chunks, counts[0].pair, BYTES + merges.length - 1);
  }
  const tokenizer = new BpeTokenizer({pattern, merges});
  const show = (id: number) => tokenizer.tokenString(id);
  const parts = ([a, b]: readonly [number, number]): [string, string] => [show(a), show(b)];
  const states = steps.map(({chunks, counts}, step) => {
    const ids = chunks.flat();
    const next = step < merges.length ? merges[step] : null;
    return {
      step,
      ids,
      tokens: ids.map(show),
      counts: counts.slice(0, rows).map(({pair, count, first}) => ({pair, parts: parts(pair), count, first})),
      distinct: counts.length,
      marked: next ? occurrences(chunks, next) : [],
      learned: merges.slice(0, step).map((pair, i) => ({id: BYTES + i, parts: parts(pair), text: show(BYTES + i)}))
    };
  });
  const bytes = new TextEncoder().encode(text).length;
  return {states, bytes, chunks: steps[0].chunks.length};
}

/** Positions in the flattened sequence of both tokens of each occurrence mergePair would merge (left to right). */
function occurrences(chunks: Chunks, [a, b]: readonly [number, number]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const ids of chunks) {
    for (let i = 0; i + 1 < ids.length; i++) {
      if (ids[i] === a && ids[i + 1] === b) {
        out.push(offset + i, offset + i + 1);
        i += 1;
      }
    }
    offset += ids.length;
  }
  return out;
}
