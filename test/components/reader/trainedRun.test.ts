// Chapters 2–5 on the shipped trained checkpoints: what the reader's model panel does not change (the weights, the
// vocabulary), what a trained model reads (the sample text, a passage, or a sum), and that training shows: a head
// that reads the previous token, vowels near vowels, a loss far below ln V, a sum answered.
import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../../src/gpt/checkpoint.js";
import {disposeParams} from "../../../src/gpt/params.js";
import {CharTokenizer} from "../../../src/gpt/tokenizer.js";
import type {TrainedModel} from "../../../src/components/checkpoints/trainedModels.js";
import {PASSAGE, readerContext, trainedContext} from "../../../src/components/reader/context.js";
import {runModel} from "../../../src/components/reader/modelData.js";
import {runOutput} from "../../../src/components/reader/outputData.js";
import {additionReads, cosineSimilarity, headStats, nearest} from "../../../src/components/reader/chapterHelpers.js";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {useCpu} from "../../helpers/tf.js";

/** A shipped checkpoint as the pages hold it (the fields runModel and trainedContext read). */
function shipped(name: string, addition: boolean): TrainedModel {
  const {params, config, tokenizer} = loadCheckpoint(
    new Uint8Array(readFileSync(`data/checkpoints/${name}.safetensors`))
  );
  assert.ok(tokenizer instanceof CharTokenizer);
  return {key: `shipped:${name}`, label: name, params, config, tokenizer, addition} as unknown as TrainedModel;
}

let shakespeare: TrainedModel;
let addition: TrainedModel;
before(async () => {
  await useCpu();
  shakespeare = shipped("shakespeare", false);
  addition = shipped("addition", true);
});
after(() => [shakespeare, addition].forEach((m) => disposeParams(m.params)));

describe("the trained weights chapters 2–5 show", () => {
  it("trainedContext: a text model reads the sample text, or the passage when the text has an unknown character", () => {
    const own = trainedContext(shakespeare, "to be or not to be");
    assert.equal(own.tokens.join(""), "to be or not to be");
    assert.equal(own.unknown, null);
    assert.deepEqual(own.targets.slice(0, 2), shakespeare.tokenizer.encode("o "));
    assert.equal(own.targets.at(-1), null, "nothing after the last character");
    const emoji = trainedContext(shakespeare, "to be 🙂");
    assert.equal(emoji.unknown, "🙂");
    assert.equal(emoji.tokens.join(""), PASSAGE);
    const long = trainedContext(shakespeare, "ab".repeat(50));
    assert.equal(long.tokens.length, shakespeare.config.blockSize, "at most blockSize tokens");
    assert.equal(long.targets.at(-1), shakespeare.tokenizer.encode("a")[0], "the character after the context counts");
  });

  it("trainedContext: the addition model reads 456+789= and three answer digits, scored on the answer only", () => {
    const sum = trainedContext(addition, "to be or not to be");
    assert.equal(sum.tokens.join(""), "456+789=542");
    assert.deepEqual(
      sum.targets.map((id) => (id === null ? null : addition.tokenizer.vocab[id])),
      [null, null, null, null, null, null, null, "5", "4", "2", "1"],
      "1245 reversed, one digit after each position from '=' on"
    );
  });

  it("readerContext: the fresh model reads the sample text and is scored on every next character", () => {
    const ctx = readerContext({...DEFAULT_MODEL, text: "abca"});
    assert.deepEqual(ctx.ids, [0, 1, 2, 0]);
    assert.deepEqual(ctx.targets, [1, 2, 0, null]);
  });

  it("runModel with trained weights: the checkpoint's shape, a previous-token head, vowels beside vowels; no leak", async () => {
    const model = {...DEFAULT_MODEL, nEmbd: 8, nLayer: 1};
    const before = tf.memory().numTensors;
    const data = await runModel(model, {trained: shakespeare});
    assert.equal(tf.memory().numTensors, before, "the trained weights are the page's: nothing else stays");
    assert.deepEqual([data.config.nLayer, data.config.nEmbd, data.vocab.length], [4, 128, 65], "not the panel's");
    assert.deepEqual(data.trained, {label: "shakespeare", addition: false, unknown: null});
    assert.equal(data.layers.length, 4);
    const {heads, uniformPeak} = headStats(data.layers[0].att);
    const best = Math.max(...heads.map((h) => h.previous));
    assert.ok(best > 0.35, `the best previous-token head gives ${best}`);
    assert.ok(Math.max(...heads.map((h) => h.peak)) > 2 * uniformPeak, "sharper than uniform rows");
    const sim = cosineSimilarity(data.wte);
    const near = nearest(sim, data.vocab.indexOf("a"), 3).map((n) => data.vocab[n.index]);
    assert.ok(
      near.every((c) => "eiou".includes(c)),
      `a's nearest rows: ${near}`
    );
    const fresh = await runModel(model);
    assert.deepEqual([fresh.config.nLayer, fresh.config.nEmbd, fresh.trained], [1, 8, null], "the panel's model");
  });

  it("additionReads: a head of the addition model's first block reads the pair of digits each answer row adds", async () => {
    const data = await runModel(DEFAULT_MODEL, {trained: addition});
    const reads = additionReads(data.layers[0].att);
    assert.deepEqual(
      reads.rows.map(({row, keys}) => [data.tokens[row], ...keys.map((j) => data.tokens[j])]),
      [
        ["=", "6", "9"],
        ["5", "5", "8"],
        ["4", "4", "7"]
      ]
    );
    const best = Math.max(...reads.heads.map((h) => h.pair));
    assert.equal(reads.best.pair, best);
    assert.ok(best > 0.5 && best > 2 * reads.uniform, `best head ${best}, uniform ${reads.uniform}`);
  });

  it("runOutput with trained weights: Shakespeare's loss far below ln V; the addition model answers 456 + 789", async () => {
    const text = await runOutput(DEFAULT_MODEL, shakespeare);
    assert.ok(text.loss! < 0.6 * text.lnV, `${text.loss} vs ln V ${text.lnV}`);
    const sum = await runOutput(DEFAULT_MODEL, addition);
    assert.equal(sum.losses.filter((l) => l !== null).length, 4, "the four answer digits");
    assert.ok(sum.loss! < 0.05, `addition loss ${sum.loss}`);
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    const answer = sum.probs
      .slice(7)
      .map((row) => sum.vocab[argmax(row)])
      .join("");
    assert.equal(answer, "5421", "1245, units first");
  });
});
