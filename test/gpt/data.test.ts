import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {
  ADDITION_VOCAB,
  additionExample,
  additionPairs,
  additionTask,
  formatAddition,
  pairKeys
} from "../../src/gpt/data/addition.js";
import {CORPORA, TOY_SENTENCES, fables} from "../../src/gpt/data/corpora.js";
import {charCorpus, textWindows} from "../../src/gpt/data/corpus.js";
import {IGNORE_INDEX} from "../../src/gpt/loss.js";

const X = IGNORE_INDEX;

describe("character corpus", () => {
  const text = "abcdefghijklmnopqrstuvwxyz".repeat(4); // 104 characters: train 93, val 11
  const corpus = charCorpus(text, {blockSize: 8, seed: 1});

  it("splits the text at 90%: train is the first 93 ids, val the last 11", () => {
    assert.equal(corpus.train.length, 93);
    assert.equal(corpus.val.length, 11);
    assert.equal(corpus.tokenizer.decode(corpus.val), text.slice(93));
  });

  it("every y is x shifted by one: the character after each of x's", () => {
    for (const split of ["train", "val"] as const) {
      const {x, y, B, T} = corpus.batch(split, 3, 16);
      assert.deepEqual([B, T, x.length, y.length], [16, 8, 128, 128]);
      for (let b = 0; b < B; b++) {
        const row = corpus.tokenizer.decode(x.subarray(b * T, (b + 1) * T));
        const next = corpus.tokenizer.decode(y.subarray(b * T, (b + 1) * T));
        assert.equal(next, row.slice(1) + String.fromCharCode(row.charCodeAt(T - 1) + 1).replace("{", "a"));
        assert.ok((split === "val" ? text.slice(93) : text.slice(0, 93)).includes(row + next.at(-1)));
      }
    }
  });

  it("batches depend only on (seed, split, index)", () => {
    const again = charCorpus(text, {blockSize: 8, seed: 1});
    const other = charCorpus(text, {blockSize: 8, seed: 2});
    assert.deepEqual(again.batch("train", 5, 4), corpus.batch("train", 5, 4));
    assert.notDeepEqual(corpus.batch("train", 6, 4).x, corpus.batch("train", 5, 4).x);
    assert.notDeepEqual(other.batch("train", 5, 4).x, corpus.batch("train", 5, 4).x);
  });

  it("rejects a text whose val split is shorter than a window", () => {
    assert.throws(() => charCorpus("abc".repeat(10), {blockSize: 8, seed: 1}), /val split has 3 characters/);
  });
});

describe("windows of a short text", () => {
  const text = "to be or not"; // 12 characters, 7 distinct

  it("textWindows draws windows of the whole text: y is x shifted by one, the same for a seed", () => {
    const data = textWindows(text, {blockSize: 11, seed: 1});
    assert.equal(data.tokenizer.vocabSize, 7);
    const {x, y, B, T} = data.batch("train", 0, 3);
    assert.deepEqual([B, T, x.length, y.length], [3, 11, 33, 33]);
    for (let b = 0; b < B; b++) {
      const row = data.tokenizer.decode(x.subarray(b * T, (b + 1) * T));
      assert.equal(row, text.slice(0, 11), "one window of 12 fits only at offset 0");
      assert.equal(data.tokenizer.decode(y.subarray(b * T, (b + 1) * T)), text.slice(1));
    }
    const short = textWindows(text, {blockSize: 4, seed: 1});
    assert.deepEqual(textWindows(text, {blockSize: 4, seed: 1}).batch("val", 2, 5), short.batch("val", 2, 5));
    assert.notDeepEqual(short.batch("train", 3, 8).x, short.batch("train", 2, 8).x);
  });

  it("textWindows refuses a text shorter than one window, naming the lengths", () => {
    assert.throws(
      () => textWindows("abc", {blockSize: 3, seed: 1}),
      /blockSize \+ 1 = 4 characters needs a longer text than 3/
    );
  });
});

describe("addition task", () => {
  it("formats ABC+DEF= with zero padding and the 4-digit sum reversed", () => {
    assert.equal(formatAddition(123, 45), "123+045=8610"); // 168 → 0168 → 8610
    assert.equal(formatAddition(999, 999), "999+999=8991"); // 1998 → 8991
    assert.equal(formatAddition(0, 0), "000+000=0000");
    assert.equal(formatAddition(7, 500), "007+500=7050"); // 507 → 0507 → 7050
  });

  it("has the 10 digits, + and = as its vocabulary, digit d as id d", () => {
    assert.deepEqual(ADDITION_VOCAB, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "="]);
    assert.deepEqual(additionExample(123, 45).tokens, [1, 2, 3, 10, 0, 4, 5, 11, 8, 6, 1, 0]);
  });

  it("ignores the 8 prompt positions and supervises only the 4 answer digits", () => {
    assert.deepEqual(additionExample(123, 45).labels, [X, X, X, X, X, X, X, X, 8, 6, 1, 0]);
  });

  it("trains on 11 input tokens whose targets are 7 ignored positions, then the answer", () => {
    const task = additionTask({seed: 3, nTrain: 50, nTest: 10});
    const {x, y, B, T} = task.batch("train", 0, 4);
    assert.equal(T, 11);
    for (let b = 0; b < B; b++) {
      const prompt = [...x.subarray(b * T, b * T + 8)].map((id) => ADDITION_VOCAB[id]).join("");
      const [a, c] = prompt.slice(0, 7).split("+").map(Number);
      const digits = [...formatAddition(a, c).slice(8)].map(Number);
      assert.deepEqual([...y.subarray(b * T, (b + 1) * T)], [X, X, X, X, X, X, X, ...digits]);
      assert.deepEqual([...x.subarray(b * T + 8, (b + 1) * T)], digits.slice(0, 3)); // the answer, fed back
    }
  });

  it("keeps the held-out pairs disjoint from the training pairs", () => {
    const task = additionTask({seed: 0});
    assert.equal(pairKeys(task.train).size, 10_000);
    assert.equal(pairKeys(task.test).size, 1000);
    const train = pairKeys(task.train);
    assert.ok(task.test.every(([a, b]) => !train.has(a * 1000 + b)));
    const heldOut = additionPairs(7, 1000, train);
    assert.ok(heldOut.every(([a, b]) => !train.has(a * 1000 + b) && a >= 0 && a <= 999 && b >= 0 && b <= 999));
  });

  it("walks the training pairs one epoch at a time, each pair once per epoch", () => {
    const task = additionTask({seed: 5, nTrain: 40, nTest: 8});
    const seen = (epochBatches: number[]) => {
      const keys: number[] = [];
      for (const index of epochBatches) {
        const {x, B, T} = task.batch("train", index, 8);
        for (let b = 0; b < B; b++) {
          const s = [...x.subarray(b * T, b * T + 7)].map((id) => ADDITION_VOCAB[id]).join("");
          keys.push(Number(s.slice(0, 3)) * 1000 + Number(s.slice(4, 7)));
        }
      }
      return keys;
    };
    const [first, second] = [seen([0, 1, 2, 3, 4]), seen([5, 6, 7, 8, 9])];
    assert.deepEqual([...first].sort(), [...pairKeys(task.train)].sort());
    assert.deepEqual([...second].sort(), [...pairKeys(task.train)].sort());
    assert.notDeepEqual(first, second); // a new order each epoch
  });

  it("is the same task for the same seed", () => {
    assert.deepEqual(additionTask({seed: 9, nTrain: 100}).train, additionTask({seed: 9, nTrain: 100}).train);
    assert.notDeepEqual(additionTask({seed: 9, nTrain: 100}).train, additionTask({seed: 8, nTrain: 100}).train);
  });
});

describe("the project's corpora", () => {
  it("the toy sentences use exactly the toy preset's 23 characters", () => {
    assert.equal(new Set(TOY_SENTENCES).size, 23);
    assert.ok(TOY_SENTENCES.startsWith("The dog ate my homework.\n"));
  });

  it("fables are determined by their seed", () => {
    assert.equal(fables(4, 5), fables(4, 5));
    assert.notEqual(fables(4, 5), fables(5, 5));
    assert.equal(fables(4, 5).split("\n\n").length, 5);
  });

  it("the default corpus is long enough for a blockSize-256 model and is plain English", () => {
    const text = CORPORA.fables();
    assert.ok(text.length > 1_000_000);
    assert.match(text, /^[A-Za-z ,.!?'"\n]+$/);
    const corpus = charCorpus(text, {blockSize: 256, seed: 0});
    assert.ok(corpus.val.length > 100_000);
  });
});
