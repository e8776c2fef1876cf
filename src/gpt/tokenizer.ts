// The tokenizers from one import (src/gpt/tokenizers/: the interface, characters, byte-level BPE trained or GPT-2's),
// and any of them back from its JSON, as a checkpoint's metadata or a TOK.json file holds it.
import {BpeTokenizer} from "./tokenizers/bpe.js";
import {CharTokenizer} from "./tokenizers/char.js";
import {TokenizerError, type Tokenizer} from "./tokenizers/tokenizer.js";

export * from "./tokenizers/tokenizer.js";
export * from "./tokenizers/char.js";
export * from "./tokenizers/bpe.js";
export * from "./tokenizers/pretokenize.js";
export * from "./tokenizers/trainBpe.js";
export * from "./tokenizers/mergeSteps.js";
export * from "./tokenizers/gpt2.js";

/** A char or BPE tokenizer from its JSON, checked; throws TokenizerError naming the problem. */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const type = typeof json === "object" && json !== null ? (json as {type?: unknown}).type : undefined;
  if (type === "char") return CharTokenizer.fromJSON(json);
  if (type === "bpe") return BpeTokenizer.fromJSON(json);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new TokenizerError("tokenizer must be an object {type, ...}");
  }
  throw new TokenizerError(`tokenizer type (${JSON.stringify(type)}) must be "char" or "bpe"`);
}
