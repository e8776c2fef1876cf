// Chapter 9's prompt box: what the model can read, and the reasons it cannot (the page shows them in place).
import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {encodePrompt} from "../../../src/components/generation/generation.js";
import {CharTokenizer} from "../../../src/gpt/tokenizer.js";

const model = {tokenizer: CharTokenizer.fromText("abc +=")};

describe("encodePrompt", () => {
  it("reads a prompt of known characters, markup characters included when the vocabulary has them", () => {
    assert.deepEqual(encodePrompt(model, "ab c"), {ids: model.tokenizer.encode("ab c"), problem: null});
  });

  it("refuses an empty prompt, and one with unknown characters naming each of them once", () => {
    assert.deepEqual(encodePrompt(model, ""), {ids: [], problem: "the prompt is empty: type at least one character"});
    assert.deepEqual(encodePrompt(model, "ab<img>"), {
      ids: [],
      problem:
        'character "<" (U+003C) at position 2 is not in the vocabulary, nor "i" (U+0069), "m" (U+006D), "g" (U+0067), ">" (U+003E); this model knows only the 6 characters of its vocabulary'
    });
    const many = encodePrompt(model, "0123456789xyz").problem!;
    assert.match(
      many,
      /^character "0" \(U\+0030\) at position 0 is not in the vocabulary, nor "1" .* "8" \(U\+0038\) and 4 more; /
    );
  });
});
