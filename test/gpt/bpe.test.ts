import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {
  BpeTokenizer,
  chunksOf,
  mergePair,
  naiveMerges,
  pairCounts,
  splitSpecial,
  textChunks,
  TokenizerError,
  tokenizerFromJSON,
  trainBpe,
  type MergeInfo,
  type Pattern
} from "../../src/gpt/tokenizer.js";
import {uniform} from "../helpers/tf.js";

const [a, b, c, d, space] = [..."abcd "].map((ch) => ch.charCodeAt(0));

/** A text from a few fragments and letters, so that pairs tie, overlap ("aaaa") and repeat across chunks. */
function randomText(seed: number, length: number): string {
  const u = uniform(seed);
  const parts = ["a", "b", "aa", "ab", " ", "  ", "\n", "é", "😀", "'s", "12", "ba", "aaa", "!", "x"];
  let text = "";
  while (text.length < length) text += parts[Math.floor(u() * parts.length)];
  return text;
}

/** Merges applied by rank the plain way: repeatedly the lowest-ranked pair present, leftmost first. */
function encodeByRank(tok: BpeTokenizer, text: string): number[] {
  return textChunks(text, tok.pattern).flatMap((ids) => {
    for (;;) {
      const ranked = ids.slice(0, -1).map((id, i) => tok.rank(id, ids[i + 1]) ?? Infinity);
      const best = Math.min(...ranked);
      if (best === Infinity) return ids;
      const at = ranked.indexOf(best);
      ids.splice(at, 2, 256 + best);
    }
  });
}

describe("byte-level BPE training", () => {
  it("merges the most frequent pair, and a tie goes to the pair that occurs first (hand-worked example)", () => {
    // "dcab ab dc" as bytes: dc, ab and "b " occur twice each; dc first (at 0), though ab has the smaller bytes.
    // Then [256]ab [ab] [256]: ab (first at 1) beats "b " (at 2); then 257+" " twice; then [256, 258, 258, 256]:
    // three pairs once each, the first wins; then [259, 258, 256] → 260; then [260, 256] → 261; then nothing.
    const expected = [
      [d, c],
      [a, b],
      [257, space],
      [256, 258],
      [259, 258],
      [260, 256]
    ];
    const steps: MergeInfo[] = [];
    const tok = trainBpe("dcab ab dc", {vocabSize: 262, pattern: "none", onMerge: (m) => steps.push(m)});
    assert.deepEqual(tok.merges, expected);
    assert.deepEqual(
      steps.map(({count, tokens}) => [count, tokens]),
      [
        [2, 8],
        [2, 6],
        [2, 4],
        [1, 3],
        [1, 2],
        [1, 1]
      ]
    );
    assert.deepEqual(naiveMerges(textChunks("dcab ab dc", "none"), 10), expected);
    assert.deepEqual(tok.encode("dcab ab dc"), [261]);
    assert.equal(trainBpe("dcab ab dc", {vocabSize: 300, pattern: "none", allowFewer: true}).vocabSize, 262);
    assert.throws(
      () => trainBpe("dcab ab dc", {vocabSize: 263, pattern: "none"}),
      /vocab size \(263\) is more than this corpus allows: after 6 merges no pair is left \(at most 262 tokens\)/
    );
  });

  it("pairCounts counts overlapping pairs and orders ties by first occurrence; mergePair goes left to right", () => {
    const counts = pairCounts([
      [a, a, a, a],
      [b, a]
    ]);
    assert.deepEqual(counts, [
      {pair: [a, a], count: 3, first: 0},
      {pair: [b, a], count: 1, first: 4}
    ]);
    assert.deepEqual(
      mergePair(
        [
          [a, a, a],
          [a, a, a, a]
        ],
        [a, a],
        256
      ),
      [
        [256, a],
        [256, 256]
      ]
    );
  });

  for (const pattern of ["none", "gpt2"] as Pattern[]) {
    it(`incremental counts give the merges a full recount gives, on 12 random texts (pattern ${pattern})`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const text = randomText(seed, 300 + 40 * seed);
        const special = seed % 3 === 0 ? ["<|endoftext|>"] : [];
        const withSpecial = special.length ? text.slice(0, 100) + special[0] + text.slice(100) : text;
        const chunks = textChunks(withSpecial, pattern, special);
        const expected = naiveMerges(chunks, 60);
        const lengths: number[] = [];
        const tok = trainBpe(withSpecial, {
          vocabSize: 256 + expected.length + special.length,
          pattern,
          special,
          onMerge: ({tokens}) => lengths.push(tokens)
        });
        assert.deepEqual(tok.merges, expected, `seed ${seed}`);
        let seq = chunks;
        const naiveLengths = expected.map((pair, i) => {
          seq = mergePair(seq, pair, 256 + i);
          return seq.flat().length;
        });
        assert.deepEqual(lengths, naiveLengths, `seed ${seed}: sequence length after each merge`);
        // Encoding the training text by rank gives the sequence training ended with.
        const ids = tok.encode(withSpecial);
        assert.deepEqual(
          ids.filter((id) => id < 256 + expected.length),
          seq.flat()
        );
        assert.equal(tok.decode(ids), withSpecial);
      }
    });
  }

  it("is reproducible: the same text and settings give the same merges", () => {
    const text = randomText(99, 2000);
    const one = trainBpe(text, {vocabSize: 300, pattern: "gpt2"});
    const two = trainBpe(text, {vocabSize: 300, pattern: "gpt2"});
    assert.deepEqual(one.toJSON(), two.toJSON());
    assert.equal(one.vocabSize, 300);
  });

  it("refuses a vocab size that merges nothing, an empty corpus and an unknown pattern", () => {
    const refuses = (fn: () => unknown, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof TokenizerError && message.test(e.message));
    refuses(
      () => trainBpe("abc", {vocabSize: 256, pattern: "none"}),
      /vocab size \(256\) must be an integer above 256/
    );
    refuses(
      () => trainBpe("abc", {vocabSize: 257, pattern: "none", special: ["<s>"]}),
      /must be an integer above 257 \(the 256 bytes and 1 special tokens\)/
    );
    refuses(() => trainBpe("", {vocabSize: 300, pattern: "none"}), /the corpus is empty/);
    refuses(() => trainBpe("abc", {vocabSize: 300, pattern: "words" as Pattern}), /pattern \("words"\) must be one/);
  });
});

describe("byte-level BPE encoding", () => {
  const corpus = randomText(7, 3000);
  const none = trainBpe(corpus, {vocabSize: 400, pattern: "none", special: ["<|endoftext|>"]});
  const gpt2 = trainBpe(corpus, {vocabSize: 400, pattern: "gpt2"});

  it("applies the merges by rank, in short chunks and in long ones alike", () => {
    for (const tok of [none, gpt2]) {
      for (let seed = 20; seed < 30; seed++) {
        const text = randomText(seed, 30 + 90 * (seed - 20)); // 30 to 840 characters: both of encode's paths
        assert.deepEqual(tok.encode(text), encodeByRank(tok, text), `${tok.pattern} seed ${seed}`);
      }
    }
  });

  it("decode(encode(text)) gives the text back, whatever bytes the tokens split", () => {
    const texts = [
      "",
      "a",
      "é",
      "\ufeffx",
      "😀😀",
      "e\u0301",
      "日本語のテキスト",
      "  \n\n\t x",
      "don't I'll",
      randomText(5, 500)
    ];
    for (const tok of [none, gpt2]) {
      for (const text of texts) assert.equal(tok.decode(tok.encode(text)), text);
    }
    // 😀 is the bytes F0 9F 98 80: split over tokens it decodes whole, and an incomplete part alone reads as U+FFFD.
    assert.equal(none.decode([0xf0, 0x9f, 0x98, 0x80]), "😀");
    assert.equal(none.decode([0xf0, 0x9f, 0x98]), "\uFFFD");
  });

  it("special tokens are matched whole and get the ids after the merges", () => {
    const eot = none.special["<|endoftext|>"];
    assert.equal(eot, 256 + none.merges.length);
    assert.equal(none.vocabSize, eot + 1);
    const ids = none.encode("ab<|endoftext|>ba");
    assert.equal(ids.filter((id) => id === eot).length, 1);
    assert.equal(none.decode(ids), "ab<|endoftext|>ba");
    assert.equal(none.tokenString(eot), "<|endoftext|>");
    assert.deepEqual(
      splitSpecial("x<s><s2>y", ["<s>", "<s2>"]).map((p) => [p.text, p.special]),
      [
        ["x", false],
        ["<s>", true],
        ["<s2>", true],
        ["y", false]
      ]
    );
  });

  it("tokenString shows a token's text, or its bytes as \\xHH when they are not whole UTF-8", () => {
    assert.equal(none.tokenString(a), "a");
    assert.equal(none.tokenString(0xe2), "\\xE2");
    assert.equal(none.tokenString(10), "\n");
    assert.throws(() => none.tokenString(none.vocabSize), /id \d+ is outside \[0, \d+\)/);
    assert.throws(() => none.decode([1, -1]), /id -1 at position 1 is outside/);
  });

  it("the gpt2 pattern splits as GPT-2 does, and the chunks give the text back", () => {
    assert.deepEqual(chunksOf("I'll don't  42 x\n\nHi!", "gpt2"), [
      "I",
      "'ll",
      " don",
      "'t",
      " ",
      " 42",
      " x",
      "\n", // a run of spaces before a word keeps its last one for the word's chunk: here a newline on its own
      "\n",
      "Hi",
      "!"
    ]);
    const text = randomText(11, 1000);
    assert.equal(chunksOf(text, "gpt2").join(""), text);
    assert.deepEqual(chunksOf(text, "none"), [text]);
  });
});

describe("BPE tokenizer JSON", () => {
  const tok = trainBpe("the cat sat on the mat. the end.", {vocabSize: 270, pattern: "gpt2", special: ["<|eot|>"]});

  it("toJSON holds type, pattern, merges and special; fromJSON and tokenizerFromJSON give it back", () => {
    const json = JSON.parse(JSON.stringify(tok));
    assert.deepEqual(Object.keys(json), ["type", "pattern", "merges", "special"]);
    assert.equal(json.type, "bpe");
    assert.equal(json.merges.length, 13);
    assert.deepEqual(json.special, {"<|eot|>": 269});
    const back = tokenizerFromJSON(json);
    assert.ok(back instanceof BpeTokenizer);
    assert.deepEqual(back.toJSON(), json);
    assert.deepEqual(back.encode("the mat<|eot|>"), tok.encode("the mat<|eot|>"));
  });

  it("a malformed BPE tokenizer is refused with a message naming the problem", () => {
    const good = tok.toJSON();
    const refuses = (json: unknown, message: RegExp) =>
      assert.throws(
        () => tokenizerFromJSON(json),
        (e: unknown) => e instanceof TokenizerError && message.test(e.message)
      );
    refuses({...good, type: "wordpiece"}, /tokenizer type \("wordpiece"\) must be "char" or "bpe"/);
    refuses({...good, pattern: "gpt4"}, /tokenizer pattern \("gpt4"\) must be one of none, gpt2/);
    refuses({...good, merges: "ab"}, /tokenizer merges must be an array of \[a, b\] pairs/);
    refuses(
      {
        ...good,
        merges: [
          [1, 2],
          [300, 1]
        ]
      },
      /merges\[1\] \(\[300,1\]\) must be a pair of ids below 257/
    );
    refuses({...good, merges: [[1, 2, 3]]}, /merges\[0\] \(\[1,2,3\]\) must be a pair/);
    refuses({...good, merges: [[1.5, 2]]}, /merges\[0\] \(\[1.5,2\]\) must be a pair/);
    refuses(
      {
        ...good,
        merges: [
          [1, 2],
          [1, 2]
        ]
      },
      /merges\[1\] \(\[1,2\]\) repeats merges\[0\]/
    );
    refuses({...good, special: {"<|eot|>": 7}}, /special "<\|eot\|>" has id 7; special ids must be 269…269/);
    refuses({...good, special: ["x"]}, /tokenizer special must be an object/);
    refuses({...good, special: {"": 269}}, /special token names must not be empty/);
    refuses({...good, bytes: [1, 2]}, /tokenizer bytes must list each byte value 0–255 once/);
    refuses({...good, vocab: []}, /tokenizer has unknown field "vocab"/);
    refuses({type: "bpe", pattern: "none", special: {}}, /tokenizer merges must be an array/);
    refuses([good], /tokenizer must be an object/);
  });
});
