import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {CharTokenizer, TokenizerError, tokenizerFromJSON, UNK} from "../../src/gpt/tokenizer.js";

describe("CharTokenizer", () => {
  it("fromText(corpus) has the distinct characters sorted by code point", () => {
    const tok = CharTokenizer.fromText("hello world\n");
    assert.deepEqual(tok.vocab, ["\n", " ", "d", "e", "h", "l", "o", "r", "w"]);
    assert.equal(tok.vocabSize, 9);
    assert.equal(tok.unkId, null);
  });

  it("fromText treats a character outside the BMP as one character, sorted by code point", () => {
    // "😀" is U+1F600 (two UTF-16 units); "ﬀ" is U+FB00: UTF-16 order would put the emoji first.
    const tok = CharTokenizer.fromText("ﬀ😀a😀");
    assert.deepEqual(tok.vocab, ["a", "ﬀ", "😀"]);
    assert.deepEqual(tok.encode("😀a"), [2, 0]);
    assert.equal(tok.decode([2, 1, 0]), "😀ﬀa");
  });

  it("decode(encode(text)) gives the text back", () => {
    const text = "First Citizen:\nBefore we proceed any further, hear me speak.";
    const tok = CharTokenizer.fromText(text);
    const ids = tok.encode(text);
    assert.equal(ids.length, text.length);
    assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize));
    assert.equal(tok.decode(ids), text);
    assert.equal(tok.decode(new Int32Array(ids)), text);
  });

  it("encode throws on an unknown character, naming it and its position", () => {
    const tok = CharTokenizer.fromText("abc");
    assert.throws(
      () => tok.encode("ab😀c"),
      (e: unknown) =>
        e instanceof TokenizerError && e.message === 'character "😀" (U+1F600) at position 2 is not in the vocabulary'
    );
  });

  it("encode(text, {unknown: 'unk'}) maps unknown characters to the <unk> id", () => {
    const tok = CharTokenizer.fromText("abc", {unk: true});
    assert.deepEqual(tok.vocab, ["a", "b", "c", UNK]);
    assert.equal(tok.unkId, 3);
    assert.deepEqual(tok.encode("axc", {unknown: "unk"}), [0, 3, 2]);
    assert.throws(() => tok.encode("axc"), /character "x" \(U\+0078\) at position 1/);
    assert.equal(tok.decode([0, 3]), "a<unk>");
  });

  it("encode(text, {unknown: 'unk'}) throws when the tokenizer has no <unk>", () => {
    assert.throws(() => CharTokenizer.fromText("abc").encode("x", {unknown: "unk"}), /no <unk> token/);
  });

  it("decode throws on an id outside the vocabulary", () => {
    const tok = CharTokenizer.fromText("abc");
    assert.throws(() => tok.decode([0, 3]), /id 3 at position 1 is outside \[0, 3\)/);
    assert.throws(() => tok.decode([1.5]), /id 1.5 at position 0/);
  });

  it("toJSON is exactly {type: 'char', vocab} and fromJSON reads it back", () => {
    const tok = CharTokenizer.fromText("ba😀", {unk: true});
    const json = JSON.stringify(tok);
    assert.equal(json, '{"type":"char","vocab":["a","b","😀","<unk>"]}');
    const back = CharTokenizer.fromJSON(JSON.parse(json));
    assert.deepEqual(back.vocab, tok.vocab);
    assert.equal(back.unkId, 3);
  });

  it("fromJSON refuses a malformed tokenizer, saying what is wrong", () => {
    const refuses = (json: unknown, message: RegExp) =>
      assert.throws(
        () => CharTokenizer.fromJSON(json),
        (e: unknown) => e instanceof TokenizerError && message.test(e.message)
      );
    refuses(null, /must be an object/);
    refuses(["a"], /must be an object/);
    refuses({type: "bpe", vocab: ["a"]}, /type \("bpe"\) must be "char"/);
    refuses({type: "char"}, /vocab must be an array/);
    refuses({type: "char", vocab: "abc"}, /vocab must be an array/);
    refuses({type: "char", vocab: ["a", 1]}, /vocab\[1\] \(1\) must be a string/);
    refuses({type: "char", vocab: ["a", "b", "a"]}, /vocab\[2\] \("a"\) is a duplicate/);
    refuses({type: "char", vocab: ["ab"]}, /vocab\[0\] \("ab"\) must be a single character/);
    refuses({type: "char", vocab: []}, /vocab is empty/);
    refuses({type: "char", vocab: ["a"], merges: []}, /unknown field "merges"/);
  });

  it("tokenString is the character of an id, and tokenizerFromJSON loads a char tokenizer", () => {
    const tok = CharTokenizer.fromText("ab😀", {unk: true});
    assert.deepEqual(
      [0, 1, 2, 3].map((id) => tok.tokenString(id)),
      ["a", "b", "😀", UNK]
    );
    assert.throws(() => tok.tokenString(4), /id 4 at position 0 is outside \[0, 4\)/);
    const back = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
    assert.ok(back instanceof CharTokenizer);
    assert.deepEqual(back.vocab, tok.vocab);
    assert.throws(() => tokenizerFromJSON(null), /tokenizer must be an object/);
  });
});
