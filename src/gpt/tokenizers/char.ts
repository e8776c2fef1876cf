// A character tokenizer: one id per distinct character of a corpus, in code point order (nanoGPT's shakespeare_char).
import {TokenizerError, type CharTokenizerJSON, type Tokenizer} from "./tokenizer.js";

/** What encode does with a character outside the vocabulary: throw, or map it to the <unk> id. */
export type UnknownPolicy = "error" | "unk";

export const UNK = "<unk>";

const codePoint = (char: string) => char.codePointAt(0)!;
const describe = (char: string) =>
  `${JSON.stringify(char)} (U+${codePoint(char).toString(16).toUpperCase().padStart(4, "0")})`;

export class CharTokenizer implements Tokenizer {
  /** The token of each id: single characters (a character outside the BMP is one token), plus UNK if built with it. */
  readonly vocab: readonly string[];
  /** The id of UNK, or null when the tokenizer has none. */
  readonly unkId: number | null;
  private readonly ids: Map<string, number>;

  /** From a list of tokens in id order; each a single character, or UNK at most once. */
  constructor(vocab: readonly string[]) {
    const problem = vocabProblem(vocab);
    if (problem) throw new TokenizerError(problem);
    this.vocab = Object.freeze([...vocab]);
    this.ids = new Map(vocab.map((token, id) => [token, id]));
    this.unkId = this.ids.get(UNK) ?? null;
  }

  /** The sorted distinct characters of a corpus; with {unk: true}, UNK is appended as the last id. */
  static fromText(text: string, {unk = false}: {unk?: boolean} = {}): CharTokenizer {
    const chars = [...new Set(text)].sort((a, b) => codePoint(a) - codePoint(b));
    return new CharTokenizer(unk ? [...chars, UNK] : chars);
  }

  /** Checks and loads the serialised form; throws TokenizerError saying what is wrong. */
  static fromJSON(json: unknown): CharTokenizer {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new TokenizerError("tokenizer must be an object {type, vocab}");
    }
    const {type, vocab, ...rest} = json as Record<string, unknown>;
    if (type !== "char") throw new TokenizerError(`tokenizer type (${JSON.stringify(type)}) must be "char"`);
    if (!Array.isArray(vocab)) throw new TokenizerError("tokenizer vocab must be an array of strings");
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new TokenizerError(`tokenizer has unknown field ${JSON.stringify(extra[0])}`);
    return new CharTokenizer(vocab);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The ids of a text, one per character; unknown characters throw (the default) or become unkId. */
  encode(text: string, {unknown = "error"}: {unknown?: UnknownPolicy} = {}): number[] {
    if (unknown === "unk" && this.unkId === null) {
      throw new TokenizerError(`this tokenizer has no ${UNK} token; build it with {unk: true}`);
    }
    const out: number[] = [];
    for (const char of text) {
      const id = this.ids.get(char) ?? (unknown === "unk" ? this.unkId : undefined);
      if (id === undefined || id === null) {
        throw new TokenizerError(`character ${describe(char)} at position ${out.length} is not in the vocabulary`);
      }
      out.push(id);
    }
    return out;
  }

  /** The text of a sequence of ids (UNK decodes as "<unk>"). */
  decode(ids: ArrayLike<number>): string {
    let text = "";
    for (let i = 0; i < ids.length; i++) {
      const token = Number.isInteger(ids[i]) ? this.vocab[ids[i]] : undefined;
      if (token === undefined)
        throw new TokenizerError(`id ${ids[i]} at position ${i} is outside [0, ${this.vocabSize})`);
      text += token;
    }
    return text;
  }

  tokenString(id: number): string {
    return this.decode([id]);
  }

  toJSON(): CharTokenizerJSON {
    return {type: "char", vocab: [...this.vocab]};
  }
}

/** Why a list cannot be a vocabulary, or null. */
function vocabProblem(vocab: readonly unknown[]): string | null {
  if (vocab.length === 0) return "tokenizer vocab is empty";
  const seen = new Set<unknown>();
  for (let id = 0; id < vocab.length; id++) {
    const token = vocab[id];
    if (typeof token !== "string") return `tokenizer vocab[${id}] (${JSON.stringify(token)}) must be a string`;
    if (token !== UNK && [...token].length !== 1) {
      return `tokenizer vocab[${id}] (${JSON.stringify(token)}) must be a single character or ${JSON.stringify(UNK)}`;
    }
    if (seen.has(token)) return `tokenizer vocab[${id}] (${JSON.stringify(token)}) is a duplicate`;
    seen.add(token);
  }
  return null;
}
