import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MODEL,
  FIELDS,
  checkModel,
  contextOf,
  describeModel,
  parseField,
  probeText,
  toConfig
} from "../../../src/components/reader/readerModel.js";
import {CharTokenizer} from "../../../src/gpt/tokenizer.js";

const field = (key: string) => FIELDS.find((f) => f.key === key)!;

describe("reader model: fields", () => {
  it("the defaults are a valid model", () => {
    assert.deepEqual(checkModel(DEFAULT_MODEL), {model: DEFAULT_MODEL, problems: []});
  });

  it("parseField reads whole numbers from text or JSON and refuses anything else, naming the field", () => {
    assert.deepEqual(parseField(field("nEmbd"), "32"), {value: 32});
    assert.deepEqual(parseField(field("nEmbd"), 32), {value: 32});
    assert.deepEqual(parseField(field("nEmbd"), " 8 "), {value: 8});
    assert.deepEqual(parseField(field("nEmbd"), "abc"), {problem: 'nEmbd ("abc") must be a whole number'});
    assert.deepEqual(parseField(field("nEmbd"), "2.5"), {problem: 'nEmbd ("2.5") must be a whole number'});
    assert.deepEqual(parseField(field("nEmbd"), ""), {problem: 'nEmbd ("") must be a whole number'});
    assert.deepEqual(parseField(field("blockSize"), "65"), {problem: "blockSize (65) must be between 1 and 64 here"});
    assert.deepEqual(parseField(field("nHead"), "0"), {problem: "nHead (0) must be between 1 and 8 here"});
  });

  it("parseField checks choices and text", () => {
    assert.deepEqual(parseField(field("norm"), "post"), {value: "post"});
    assert.deepEqual(parseField(field("norm"), "mid"), {problem: 'norm ("mid") must be one of "pre", "post"'});
    assert.deepEqual(parseField(field("text"), "héllo"), {value: "héllo"});
    assert.deepEqual(parseField(field("text"), ""), {problem: "text is empty: type at least one character"});
    assert.match(
      (parseField(field("text"), "x".repeat(201)) as {problem: string}).problem,
      /201 characters; at most 200/
    );
  });

  it("checkModel refuses combinations with validateConfig's message", () => {
    const {model, problems} = checkModel({...DEFAULT_MODEL, nEmbd: "30", nHead: "4"});
    assert.equal(model, null);
    assert.deepEqual(problems, ["nEmbd (30) must be divisible by nHead (4)"]);
    assert.deepEqual(checkModel({...DEFAULT_MODEL, nEmbd: 15, nHead: 1, positional: "sinusoidal"}).problems, [
      "nEmbd (15) must be even for sinusoidal positions"
    ]);
  });

  it("toConfig takes the vocabulary size from the text", () => {
    const config = toConfig({...DEFAULT_MODEL, text: "abcab"});
    assert.equal(config.vocabSize, 3);
    assert.equal(config.dFF, DEFAULT_MODEL.dFF);
    assert.equal(config.norm, "pre");
  });
});

describe("reader model: context and text", () => {
  it("contextOf reads the text's first blockSize characters", () => {
    const {tokens, ids, tokenizer} = contextOf({...DEFAULT_MODEL, text: "hello", blockSize: 3});
    assert.deepEqual(tokens, ["h", "e", "l"]);
    assert.deepEqual(ids, tokenizer.encode("hel"));
    assert.equal(tokenizer.vocabSize, 4);
  });

  it("describeModel names every hyperparameter", () => {
    assert.equal(
      describeModel(DEFAULT_MODEL),
      "vocab 7 · T 16 of 16 · C 16 · 2 heads × 8 · 2 layers · dFF 64 · learned positions · gelu · pre-norm · seed 1337"
    );
  });

  it("probeText reports the first unknown character and where <unk> replaced characters", () => {
    const out = probeText(CharTokenizer.fromText("ab"), "aXbY");
    assert.match(out.error!, /character "X" \(U\+0058\) at position 1 is not in the vocabulary/);
    assert.deepEqual(out.ids, [0, 2, 1, 2]);
    assert.deepEqual(out.unknown, [1, 3]);
    assert.equal(out.decoded, "a<unk>b<unk>");
    assert.equal(probeText(CharTokenizer.fromText("ab"), "ba").error, null);
  });
});
