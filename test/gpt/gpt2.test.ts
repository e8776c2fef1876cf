import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {Tiktoken} from "js-tiktoken/lite";
import r50k from "js-tiktoken/ranks/r50k_base";
import {fromTiktoken, TokenizerError, tokenizerFromJSON} from "../../src/gpt/tokenizer.js";
import {uniform} from "../helpers/tf.js";

const FRAGMENTS = [
  ...["don't", "I'll", "we're", "they've", "she'd", "I'm", "it's", "DON'T", "O'Neil", "rock 'n' roll", "'quoted'"],
  ...["hello", "Hello", "HELLO", " world", "tokenization", "antidisestablishmentarianism", "GPT-2", "nanoGPT"],
  ...["0", "7", "42", "2024", "3.14159", "1,000,000", "12345678901234567890", "+1 (555) 010-9999", "v2.0.1"],
  ...["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🤖✨", "😀😀😀"],
  ...["日本語", "中文分词", "한국어", "東京タワー", "漢字かな交じり"],
  ...["e\u0301", "n\u0303o", "a\u0308\u0304", "Ω\u0342", "ক্ষ", "नमस्ते", "สวัสดี", "مرحبا بالعالم", "שָׁלוֹם"],
  ...["Привет, мир", "Γειά σου", "café", "naïve", "Straße", "ﬁ ligature", "İstanbul", "ǅ"],
  ...["function f(x) { return x * 2; }", "const a = [1, 2, 3];", "if (a && b) {\n\treturn;\n}", "x += 1 // ok"],
  ...['<div class="a">', "https://example.com/a?b=c&d=e", "foo_bar.baz()", "#include <stdio.h>", "$$x^2$$"],
  ...["!!!", "...", "?!", "—", "–", "«»", "“quotes”", "@user", "#tag", "\\n", "\u00a0", "\u3000", "\ufeff", "\u200b"]
];
const SEPARATORS = ["", " ", "  ", "   ", "\n", "\n\n", "\n\n\n", "\t", " \n ", "\r\n", "    \n", "\u00a0"];

/** 320 strings from a seeded mix of fragments and separators, then a few hand-picked edge cases. */
function strings(): string[] {
  const u = uniform(2024);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)];
  const out = new Set<string>();
  while (out.size < 320) {
    const n = 1 + Math.floor(u() * 7);
    out.add(Array.from({length: n}, () => pick(FRAGMENTS) + pick(SEPARATORS)).join(""));
  }
  const edges = ["", " ", "  ", "\n", "a", " a", "a ", "  a  ", "\n\n\nx", "x\n\n", "1 2  3   4", "'s's's", "'S"];
  return [...out, ...edges, " ".repeat(100), "ab".repeat(500), "0123456789".repeat(20), "😀".repeat(50)];
}

describe("GPT-2's tokenizer (r50k_base) as a BpeTokenizer", () => {
  const tok = fromTiktoken(r50k);
  const oracle = new Tiktoken(r50k);
  const texts = strings();

  it("has 50,000 merges, 50,257 tokens and <|endoftext|> as 50256", () => {
    assert.equal(tok.merges.length, 50_000);
    assert.equal(tok.vocabSize, 50_257);
    assert.deepEqual(tok.special, {"<|endoftext|>": 50_256});
    assert.equal(tok.pattern, "gpt2");
  });

  it(`gives js-tiktoken's ids on ${texts.length} varied strings, and decode gives each string back`, () => {
    assert.ok(texts.length >= 300);
    let tokens = 0;
    for (const text of texts) {
      const ids = tok.encode(text);
      assert.deepEqual(ids, oracle.encode(text), JSON.stringify(text));
      assert.equal(tok.decode(ids), text, JSON.stringify(text));
      tokens += ids.length;
    }
    assert.ok(tokens > 5000, `${tokens} tokens in all`);
  });

  it("matches on text with <|endoftext|>, and on strings whose characters split across tokens", () => {
    const text = "end of one<|endoftext|>start of two 👨‍👩‍👧‍👦";
    assert.deepEqual(tok.encode(text), oracle.encode(text, "all"));
    const family = tok.encode("👨‍👩‍👧‍👦");
    assert.ok(
      family.some((id) => tok.tokenString(id).includes("\\x")),
      "some token is part of a character"
    );
    assert.equal(tok.decode(family), "👨‍👩‍👧‍👦");
  });

  it("its quirks: a leading space belongs to the word, and capitals cost other tokens", () => {
    assert.deepEqual(tok.encode(" the"), [262]);
    assert.deepEqual(tok.encode("Hello world"), [15496, 995]);
    assert.equal(tok.tokenString(995), " world");
    assert.notDeepEqual(tok.encode(" hello"), tok.encode(" Hello"));
  });

  it("round-trips through JSON, with the byte order of its first 256 ids", () => {
    const json = JSON.parse(JSON.stringify(tok));
    assert.equal(json.bytes.length, 256);
    assert.equal(json.bytes[0], "!".charCodeAt(0)); // GPT-2's id 0 is the byte "!"
    const back = tokenizerFromJSON(json);
    assert.deepEqual(back.encode(texts[0]), tok.encode(texts[0]));
  });

  it("refuses ranks made for another pattern", () => {
    assert.throws(() => fromTiktoken({...r50k, pat_str: "\\w+"}), TokenizerError);
  });
});
