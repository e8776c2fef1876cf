// A loaded model's tokenizer as the pages show it: its tokens listed by id, whether it reads characters or BPE tokens.
import {CharTokenizer, type Tokenizer} from "../../gpt/tokenizer.js";

/** A model's tokenizer with its tokens listed by id: a character model's vocabulary, or a BPE's token strings. */
export type ModelTokenizer = Tokenizer & {readonly vocab: readonly string[]};

/** The tokenizer as the pages show it: a CharTokenizer as it is, any other with its token strings as vocab. */
export function listed(tokenizer: Tokenizer): ModelTokenizer {
  if (tokenizer instanceof CharTokenizer) return tokenizer;
  const vocab = Array.from({length: tokenizer.vocabSize}, (_, id) => tokenizer.tokenString(id));
  return {
    ...{vocab, vocabSize: tokenizer.vocabSize, toJSON: () => tokenizer.toJSON()},
    ...{encode: (text) => tokenizer.encode(text), decode: (ids) => tokenizer.decode(ids)},
    tokenString: (id) => tokenizer.tokenString(id)
  };
}
