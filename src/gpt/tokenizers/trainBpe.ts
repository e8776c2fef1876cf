// Training a byte-level BPE: merge the most frequent adjacent pair into a new token, again and again. Pair counts are
// kept up to date merge by merge (only the pairs around each merged occurrence change), never recounted.
import {BpeTokenizer, BYTES} from "./bpe.js";
import {MinHeap} from "./heap.js";
import {PairTable} from "./pairTable.js";
import {chunksOf, isPattern, PATTERNS, splitSpecial, type Pattern} from "./pretokenize.js";
import {TokenizerError} from "./tokenizer.js";

export interface MergeInfo {
  /** The merge's index: it makes id 256 + rank. */
  rank: number;
  pair: [number, number];
  /** How often the pair occurred (overlapping occurrences, as in "aaa", count twice). */
  count: number;
  /** The training text's length in tokens after this merge. */
  tokens: number;
}

export interface TrainBpeOptions {
  /** Tokens in all: 256 bytes + merges + special tokens. */
  vocabSize: number;
  pattern: Pattern;
  /** Special tokens (e.g. "<|endoftext|>"): taken out of the text whole, given the last ids. */
  special?: readonly string[];
  onMerge?: (merge: MergeInfo) => void;
  /** Stop when no pair is left instead of throwing: vocabSize is then an upper bound. */
  allowFewer?: boolean;
}

/**
 * A pair: its weighted count, kept exact, and where it may stand: the first token of each occurrence (an index into
 * the token arrays), appended as occurrences appear and never removed, so some no longer hold the pair.
 */
interface Pair {
  a: number;
  b: number;
  count: number;
  at: number[];
  first: number; // the smallest index that holds the pair, or -1 until it is looked for
  serial: number; // this pair's number in the heap and the table
}

const SERIALS = 2 ** 25; // heap entries are count · 2^25 + serial

/**
 * Learns merges from a text. Each step merges the most frequent adjacent pair; a tie goes to the pair whose first
 * occurrence in the current token sequence comes earliest. With a pattern, equal chunks are stored once with their
 * count, in order of first occurrence, so an index order is the text's order. Throws TokenizerError when the text is
 * empty, vocabSize leaves no merge, or the text runs out of pairs before vocabSize (unless allowFewer).
 */
export function trainBpe(text: string, options: TrainBpeOptions): BpeTokenizer {
  const {vocabSize, pattern, special = [], onMerge, allowFewer = false} = options;
  if (!isPattern(pattern)) {
    throw new TokenizerError(`pattern (${JSON.stringify(pattern)}) must be one of ${PATTERNS.join(", ")}`);
  }
  const wanted = vocabSize - BYTES - special.length;
  if (!Number.isSafeInteger(vocabSize) || wanted < 1) {
    const floor = BYTES + special.length;
    throw new TokenizerError(
      `vocab size (${vocabSize}) must be an integer above ${floor} (the 256 bytes` +
        `${special.length ? ` and ${special.length} special tokens` : ""}): nothing would be merged`
    );
  }
  if (special.some((s) => s === "")) throw new TokenizerError("special tokens must not be empty");
  if (text === "") throw new TokenizerError("the corpus is empty: no pairs to merge");

  // The distinct chunks, each once, with how often it occurs.
  const words = new Map<string, number>();
  for (const piece of splitSpecial(text, special)) {
    if (piece.special) continue;
    for (const chunk of chunksOf(piece.text, pattern)) words.set(chunk, (words.get(chunk) ?? 0) + 1);
  }
  const encoded = [...words].map(([word, count]) => ({bytes: new TextEncoder().encode(word), count}));
  const n = encoded.reduce((sum, w) => sum + w.bytes.length, 0);
  const tok = new Int32Array(n);
  const weight = new Int32Array(n);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  let tokens = 0;
  let i0 = 0;
  for (const {bytes, count} of encoded) {
    bytes.forEach((b, k) => {
      tok[i0 + k] = b;
      weight[i0 + k] = count;
      if (k > 0) [prev[i0 + k], next[i0 + k - 1]] = [i0 + k - 1, i0 + k];
    });
    tokens += count * bytes.length;
    i0 += bytes.length;
  }

  const holds = (pair: Pair, i: number) => tok[i] === pair.a && next[i] >= 0 && tok[next[i]] === pair.b;
  const table = new PairTable(); // (a, b) → serial
  const bySerial: Pair[] = [];
  const heap = new MinHeap(); // −(count · 2^25 + serial): the most frequent pair on top
  const touched = new Set<Pair>();
  const pairOf = (a: number, b: number) => {
    const serial = table.get(a, b);
    if (serial >= 0) return bySerial[serial];
    if (bySerial.length >= SERIALS) throw new TokenizerError("the corpus is too large to train on");
    const pair: Pair = {a, b, count: 0, at: [], first: -1, serial: bySerial.length};
    table.set(a, b, pair.serial);
    bySerial.push(pair);
    return pair;
  };
  const add = (a: number, b: number, i: number) => {
    const pair = pairOf(a, b);
    if (pair.count === 0) pair.first = i;
    else if (pair.first >= 0 && i < pair.first) pair.first = i;
    pair.at.push(i);
    pair.count += weight[i];
    touched.add(pair);
  };
  const remove = (a: number, b: number, i: number) => {
    const pair = bySerial[table.get(a, b)];
    pair.count -= weight[i];
    if (pair.first === i) pair.first = -1;
    touched.add(pair);
  };
  const offer = () => {
    for (const pair of touched) if (pair.count > 0) heap.push(-(pair.count * SERIALS + pair.serial));
    touched.clear();
  };
  /** Where the pair still stands, in order (its list compacted on the way). */
  const occurrences = (pair: Pair) => {
    const at = Int32Array.from(pair.at).sort();
    pair.at = [];
    for (let k = 0; k < at.length; k++) if ((k === 0 || at[k] !== at[k - 1]) && holds(pair, at[k])) pair.at.push(at[k]);
    return pair.at;
  };
  const firstOf = (pair: Pair) => {
    if (pair.first < 0) pair.first = occurrences(pair)[0];
    return pair.first;
  };

  /** The most frequent pair, the earliest first among equals; null when no pair is left. */
  const best = (): Pair | null => {
    const tied = new Set<Pair>();
    let top = 0;
    while (heap.size > 0) {
      const entry = -heap.peek();
      const count = Math.floor(entry / SERIALS);
      if (tied.size > 0 && count < top) break;
      heap.pop();
      const pair = bySerial[entry % SERIALS];
      if (pair.count === count) {
        tied.add(pair);
        top = count;
      }
    }
    if (tied.size === 0) return null;
    const winner = [...tied].reduce((w, p) => (firstOf(p) < firstOf(w) ? p : w));
    for (const pair of tied) if (pair !== winner) heap.push(-(pair.count * SERIALS + pair.serial));
    return winner;
  };

  for (let i = 0; i + 1 < n; i++) if (next[i] >= 0) add(tok[i], tok[i + 1], i);
  offer();
  const merges: [number, number][] = [];
  while (merges.length < wanted) {
    const pair = best();
    if (!pair && allowFewer) break;
    if (!pair) {
      throw new TokenizerError(
        `vocab size (${vocabSize}) is more than this corpus allows: after ${merges.length} merges no pair is left ` +
          `(at most ${BYTES + merges.length + special.length} tokens)`
      );
    }
    const {a, b, count} = pair;
    const z = BYTES + merges.length;
    for (const i of occurrences(pair)) {
      const j = next[i];
      if (tok[i] !== a || j < 0 || tok[j] !== b) continue; // taken by the occurrence before (as in "aaa")
      const [p, q] = [prev[i], next[j]];
      if (p >= 0) {
        remove(tok[p], a, p);
        add(tok[p], z, p);
      }
      if (q >= 0) {
        remove(b, tok[q], j);
        add(z, tok[q], i);
      }
      remove(a, b, i);
      tok[i] = z;
      tok[j] = -1;
      next[i] = q;
      if (q >= 0) prev[q] = i;
      tokens -= weight[i];
    }
    pair.at = [];
    offer();
    merges.push([a, b]);
    onMerge?.({rank: merges.length - 1, pair: [a, b], count, tokens});
  }
  const ids = Object.fromEntries(special.map((s, k) => [s, BYTES + merges.length + k]));
  return new BpeTokenizer({pattern, merges, special: ids});
}
