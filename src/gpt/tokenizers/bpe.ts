// A byte-level BPE: text → UTF-8 bytes (ids 0–255) → merges applied by rank, within the chunks of a pre-split pattern;
// special tokens are matched whole before anything else. Decoding joins the tokens' bytes, then reads them as UTF-8.
import {PairTable} from "./pairTable.js";
import {chunksOf, isPattern, PATTERNS, splitSpecial, type Pattern} from "./pretokenize.js";
import {TokenizerError, type BpeTokenizerJSON, type Tokenizer} from "./tokenizer.js";

export const BYTES = 256;

/** Chunks of at least this many bytes are merged rank by rank (n log n); shorter ones by scanning (n², no set-up). */
const LONG = 48;
/** Chunks remembered by the encoder (GPT-2 chunks repeat: words), cleared when full. */
const CACHE_SIZE = 50_000;

const utf8 = new TextEncoder();
const lenient = new TextDecoder("utf-8", {ignoreBOM: true}); // ignoreBOM: a leading U+FEFF is text, kept
const strict = new TextDecoder("utf-8", {fatal: true, ignoreBOM: true});

export interface BpeSpec {
  pattern: Pattern;
  /** Merge i joins [a, b] into id 256 + i; a and b are ids below 256 + i. */
  merges: readonly (readonly [number, number])[];
  /** Special tokens and their ids: 256 + merges.length onwards, one each. */
  special?: Readonly<Record<string, number>>;
  /** The byte of each id 0–255 (default: id b is byte b). */
  bytes?: readonly number[];
}

export class BpeTokenizer implements Tokenizer {
  readonly pattern: Pattern;
  readonly merges: readonly (readonly [number, number])[];
  readonly special: Readonly<Record<string, number>>;
  /** The byte of each base id. */
  readonly bytes: readonly number[];
  readonly vocabSize: number;
  private readonly ranks: PairTable; // (a, b) → merge index
  private readonly idOfByte = new Int32Array(BYTES);
  private readonly pieces: Uint8Array[]; // the bytes of every id below 256 + merges.length
  private readonly specialOf = new Map<number, string>();
  private readonly cache = new Map<string, number[]>();

  /** Checks the spec; throws TokenizerError naming the first problem. */
  constructor({pattern, merges, special = {}, bytes}: BpeSpec) {
    if (!isPattern(pattern)) {
      throw new TokenizerError(`tokenizer pattern (${JSON.stringify(pattern)}) must be one of ${PATTERNS.join(", ")}`);
    }
    const base = bytes ?? Array.from({length: BYTES}, (_, b) => b);
    checkBytes(base);
    this.pieces = base.map((b) => Uint8Array.of(b));
    base.forEach((b, id) => (this.idOfByte[b] = id));
    if (!Array.isArray(merges)) throw new TokenizerError("tokenizer merges must be an array of [a, b] pairs");
    this.ranks = new PairTable(merges.length);
    merges.forEach((pair, i) => {
      const id = BYTES + i;
      const ok = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < id;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(ok)) {
        throw new TokenizerError(
          `tokenizer merges[${i}] (${JSON.stringify(pair)}) must be a pair of ids below ${id} (the ids made before it)`
        );
      }
      const earlier = this.ranks.get(pair[0], pair[1]);
      if (earlier >= 0) {
        throw new TokenizerError(`tokenizer merges[${i}] (${JSON.stringify(pair)}) repeats merges[${earlier}]`);
      }
      this.ranks.set(pair[0], pair[1], i);
      const [a, b] = [this.pieces[pair[0]], this.pieces[pair[1]]];
      const joined = new Uint8Array(a.length + b.length);
      joined.set(a);
      joined.set(b, a.length);
      this.pieces.push(joined);
    });
    this.special = Object.freeze({...checkSpecial(special, BYTES + merges.length)});
    for (const [text, id] of Object.entries(this.special)) this.specialOf.set(id, text);
    this.pattern = pattern;
    this.merges = Object.freeze(merges.map(([a, b]) => Object.freeze([a, b] as const)));
    this.bytes = Object.freeze([...base]);
    this.vocabSize = BYTES + merges.length + this.specialOf.size;
  }

  /** Checks and loads the serialised form; throws TokenizerError saying what is wrong. */
  static fromJSON(json: unknown): BpeTokenizer {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new TokenizerError("tokenizer must be an object {type, pattern, merges, special}");
    }
    const {type, pattern, merges, special, bytes, ...rest} = json as Record<string, unknown>;
    if (type !== "bpe") throw new TokenizerError(`tokenizer type (${JSON.stringify(type)}) must be "bpe"`);
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new TokenizerError(`tokenizer has unknown field ${JSON.stringify(extra[0])}`);
    if (!Array.isArray(merges)) throw new TokenizerError("tokenizer merges must be an array of [a, b] pairs");
    if (typeof special !== "object" || special === null || Array.isArray(special)) {
      throw new TokenizerError("tokenizer special must be an object {token: id}");
    }
    if (bytes !== undefined && !Array.isArray(bytes)) {
      throw new TokenizerError("tokenizer bytes must be an array of the 256 byte values");
    }
    return new BpeTokenizer({
      pattern: pattern as Pattern,
      merges: merges as [number, number][],
      special: special as Record<string, number>,
      bytes: bytes as number[] | undefined
    });
  }

  /** The merge rank of a pair of ids, or undefined when no merge joins them. */
  rank(a: number, b: number): number | undefined {
    const rank = this.ranks.get(a, b);
    return rank < 0 ? undefined : rank;
  }

  /** Special tokens whole, then each chunk of the rest: its bytes, merged by rank (the lowest-ranked pair first). */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of splitSpecial(text, Object.keys(this.special))) {
      if (piece.special) out.push(this.special[piece.text]);
      else for (const chunk of chunksOf(piece.text, this.pattern)) this.encodeChunk(chunk, out);
    }
    return out;
  }

  /** The ids of each chunk, as encode makes them (special tokens are chunks of their own). */
  encodeChunks(text: string): {text: string; ids: number[]}[] {
    const out: {text: string; ids: number[]}[] = [];
    for (const piece of splitSpecial(text, Object.keys(this.special))) {
      if (piece.special) out.push({text: piece.text, ids: [this.special[piece.text]]});
      else {
        for (const chunk of chunksOf(piece.text, this.pattern)) {
          const ids: number[] = [];
          this.encodeChunk(chunk, ids);
          out.push({text: chunk, ids});
        }
      }
    }
    return out;
  }

  private encodeChunk(chunk: string, out: number[]): void {
    const cached = this.cache.get(chunk);
    if (cached) {
      for (const id of cached) out.push(id);
      return;
    }
    const bytes = utf8.encode(chunk);
    const merged =
      bytes.length >= LONG ? this.mergeLong(bytes) : this.mergeShort(Array.from(bytes, (b) => this.idOfByte[b]));
    if (this.pattern !== "none") {
      if (this.cache.size >= CACHE_SIZE) this.cache.clear();
      this.cache.set(chunk, merged);
    }
    for (const id of merged) out.push(id);
  }

  /** Repeatedly merges the leftmost occurrence of the lowest-ranked pair present. */
  private mergeShort(ids: number[]): number[] {
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const rank = this.ranks.get(ids[i], ids[i + 1]);
        if (rank >= 0 && rank < best) [best, at] = [rank, i];
      }
      if (at < 0) return ids;
      ids.splice(at, 2, BYTES + best);
    }
  }

  /**
   * mergeShort's result in one pass over the ranks: a linked list of tokens and, for each rank, the positions where
   * that pair stands. A merge only makes pairs of a higher rank (merge r makes id 256 + r, and a merge that uses an id
   * comes after the one that made it), so rank r's positions are all known when its turn comes; taken left to right,
   * they are mergeShort's order.
   */
  private mergeLong(bytes: Uint8Array): number[] {
    const n = bytes.length;
    const tok = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      tok[i] = this.idOfByte[bytes[i]];
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    const at: number[][] = [];
    const offer = (i: number) => {
      const j = next[i];
      const rank = j < 0 ? -1 : this.ranks.get(tok[i], tok[j]);
      if (rank >= 0) (at[rank] ??= []).push(i);
    };
    for (let i = 0; i + 1 < n; i++) offer(i);
    for (let rank = 0; rank < this.merges.length; rank++) {
      if (at[rank] === undefined) continue;
      for (const i of Int32Array.from(at[rank]).sort()) {
        const j = next[i];
        if (tok[i] < 0 || j < 0 || this.ranks.get(tok[i], tok[j]) !== rank) continue; // gone: overlapped or changed
        tok[i] = BYTES + rank;
        tok[j] = -1;
        next[i] = next[j];
        if (next[j] >= 0) prev[next[j]] = i;
        if (prev[i] >= 0) offer(prev[i]);
        offer(i);
      }
      delete at[rank];
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(tok[i]);
    return out;
  }

  /** The bytes of a token. */
  tokenBytes(id: number): Uint8Array {
    const special = this.specialOf.get(id);
    if (special !== undefined) return utf8.encode(special);
    const bytes = Number.isInteger(id) ? this.pieces[id] : undefined;
    if (bytes === undefined) throw new TokenizerError(`id ${id} is outside [0, ${this.vocabSize})`);
    return bytes;
  }

  /** The bytes of all the ids, joined; throws on an id outside [0, vocabSize). */
  bytesOf(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const ok = Number.isInteger(id) && id >= 0 && id < this.vocabSize;
      if (!ok) throw new TokenizerError(`id ${id} at position ${i} is outside [0, ${this.vocabSize})`);
      parts.push(this.tokenBytes(id));
      length += parts[i].length;
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return all;
  }

  /** The bytes of all the ids, joined, read as UTF-8 (an incomplete character becomes U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    return lenient.decode(this.bytesOf(ids));
  }

  /** A token as text; bytes that are not a whole UTF-8 character show as \xHH. */
  tokenString(id: number): string {
    const bytes = this.tokenBytes(id);
    try {
      return strict.decode(bytes);
    } catch {
      return Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : hex(b))).join("");
    }
  }

  toJSON(): BpeTokenizerJSON {
    const json: BpeTokenizerJSON = {
      type: "bpe",
      pattern: this.pattern,
      merges: this.merges.map(([a, b]) => [a, b]),
      special: {...this.special}
    };
    if (this.bytes.some((b, id) => b !== id)) json.bytes = [...this.bytes];
    return json;
  }
}

const hex = (b: number) => `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`;

function checkBytes(bytes: readonly unknown[]): void {
  const seen = new Set<unknown>();
  const bad = bytes.findIndex(
    (b) => !Number.isInteger(b) || (b as number) < 0 || (b as number) >= BYTES || seen.has(b) || !seen.add(b)
  );
  if (bytes.length !== BYTES || bad >= 0) {
    throw new TokenizerError("tokenizer bytes must list each byte value 0–255 once (the byte of each id 0–255)");
  }
}

/** The special tokens, checked: non-empty strings with the ids first, first + 1, … in some order. */
function checkSpecial(special: Readonly<Record<string, unknown>>, first: number): Record<string, number> {
  const entries = Object.entries(special);
  const ids = new Set<unknown>();
  for (const [text, id] of entries) {
    if (text === "") throw new TokenizerError("tokenizer special token names must not be empty");
    const ok = Number.isInteger(id) && (id as number) >= first && (id as number) < first + entries.length;
    if (!ok || ids.has(id)) {
      throw new TokenizerError(
        `tokenizer special ${JSON.stringify(text)} has id ${JSON.stringify(id)}; special ids must be ` +
          `${first}…${first + entries.length - 1} (after the 256 bytes and the merges), one each`
      );
    }
    ids.add(id);
  }
  return special as Record<string, number>;
}
