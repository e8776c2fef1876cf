import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {Tiktoken} from "js-tiktoken/lite";
import r50k from "js-tiktoken/ranks/r50k_base";
import {makeConfig} from "../../../src/gpt/config.js";
import {countParams} from "../../../src/gpt/count.js";
import {trainBpe} from "../../../src/gpt/tokenizer.js";
import {gpt2Text, quirks} from "../../../src/components/tokenizers/gpt2Text.js";
import {mergeLoop} from "../../../src/components/tokenizers/mergeLoop.js";
import {units} from "../../../src/components/tokenizers/units.js";
import {vocabTradeoff} from "../../../src/components/tokenizers/vocabTradeoff.js";

describe("chapter 10's page glue", () => {
  it("mergeLoop: each merge shortens the sequence by the occurrences it marks, and adds one learned token", () => {
    const loop = mergeLoop("aaabdaaabac aaab", "none", {maxMerges: 5});
    assert.equal(loop.bytes, 16);
    const {states} = loop;
    assert.equal(states[0].ids.length, 16);
    for (let k = 0; k + 1 < states.length; k++) {
      const [a, b] = states[k].counts[0].pair;
      assert.deepEqual(states[k + 1].learned.at(-1)!.parts.join(""), states[k + 1].learned.at(-1)!.text);
      assert.equal(states[k + 1].learned.length, k + 1);
      assert.equal(states[k + 1].ids.length, states[k].ids.length - states[k].marked.length / 2);
      for (let i = 0; i < states[k].marked.length; i += 2) {
        const [p, q] = [states[k].marked[i], states[k].marked[i + 1]];
        assert.deepEqual([states[k].ids[p], states[k].ids[q]], [a, b]);
      }
    }
    assert.equal(states.at(-1)!.marked.length, 0, "the last state merges nothing");
    assert.deepEqual(states[1].learned[0], {id: 256, parts: ["a", "a"], text: "aa"});
  });

  it("mergeLoop stops when no pair occurs twice", () => {
    const loop = mergeLoop("abcd", "none");
    assert.equal(loop.states.length, 1);
    assert.deepEqual(loop.states[0].marked, []);
  });

  it("vocabTradeoff: one row per vocabulary size, with the training lengths and countParams' table and head", () => {
    const text = "the cat sat on the mat. the cat ate the rat.";
    const config = makeConfig({vocabSize: 10, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, tieWeights: false});
    const rows = vocabTradeoff(text, "gpt2", config, 280);
    const lengths: number[] = [];
    const tok = trainBpe(text, {
      vocabSize: 280,
      pattern: "gpt2",
      allowFewer: true,
      onMerge: (m) => lengths.push(m.tokens)
    });
    assert.equal(rows.length, tok.vocabSize - 255);
    assert.deepEqual(
      rows.map((r) => r.vocabSize),
      rows.map((_, i) => 256 + i)
    );
    assert.deepEqual(
      rows.slice(1).map((r) => r.tokens),
      lengths
    );
    assert.equal(rows[0].bytesPerToken, 1);
    const {total, breakdown} = countParams(makeConfig({...config, vocabSize: 270}));
    assert.equal(rows[14].vocabParams, breakdown.tokenEmbedding + breakdown.head);
    assert.equal(rows[14].otherParams, total - rows[14].vocabParams);
  });

  it("gpt2Text: the pieces spell the text, their ids are js-tiktoken's, a split character is one piece", () => {
    const text = "Hello 😀 world\n\n  don't";
    const g = gpt2Text(text);
    assert.deepEqual(g.ids, new Tiktoken(r50k).encode(text));
    assert.equal(g.pieces.map((p) => p.text).join(""), text);
    assert.deepEqual(
      g.pieces.flatMap((p) => p.ids),
      g.ids
    );
    assert.equal(g.pieces.filter((p) => p.ids.length > 1).length, 1);
    assert.equal(g.chunks.join(""), text);
  });

  it("quirks and units read the reader's text", () => {
    const rows = quirks("A caterpillar ate");
    assert.equal(rows[0].text, "caterpillar");
    assert.deepEqual(rows[0].tokens, ["c", "ater", "pillar"]);
    const table = units("to be or not to be");
    assert.deepEqual(
      table.map((r) => [r.unit, r.distinct, r.length]),
      [
        ["characters", 7, 18],
        ["words", 4, 6],
        ["bytes (UTF-8)", 7, 18],
        ["GPT-2's BPE tokens", 5, 6]
      ]
    );
  });
});
