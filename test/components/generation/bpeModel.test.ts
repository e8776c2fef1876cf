// Chapter 9 with a model that reads BPE tokens (a checkpoint chapter 8 or tinygpt train saved): the tokenizer the
// page holds lists its token strings by id, reads and writes text as the checkpoint's BPE does, and generation runs.
import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint, saveCheckpoint} from "../../../src/gpt/checkpoint.js";
import {makeConfig} from "../../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../../src/gpt/data/corpora.js";
import {disposeParams, initParams} from "../../../src/gpt/params.js";
import {BpeTokenizer, CharTokenizer, trainBpe} from "../../../src/gpt/tokenizer.js";
import {listed} from "../../../src/components/checkpoints/modelTokenizer.js";
import type {TrainedModel} from "../../../src/components/checkpoints/trainedModels.js";
import {defaultPrompt, encodePrompt, type GenSettings} from "../../../src/components/generation/generation.js";
import {GenerationRun} from "../../../src/components/generation/run.js";
import {useCpu} from "../../helpers/tf.js";

const bpe = trainBpe(TOY_SENTENCES, {vocabSize: 300, pattern: "gpt2"});
const config = makeConfig({vocabSize: 300, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32});
let bytes: Uint8Array;
before(async () => {
  await useCpu();
  const params = initParams(config, 3);
  bytes = saveCheckpoint(params, bpe);
  disposeParams(params);
});
const SIX = {seed: 1, maxNewTokens: 6, kvCache: true};

/** A BPE checkpoint as chapter 9 holds it (openModel's fields), with holders that do nothing. */
function opened(): TrainedModel {
  const {params, config, tokenizer} = loadCheckpoint(bytes);
  assert.ok(tokenizer instanceof BpeTokenizer);
  const model = {key: "saved", label: "yours", params, config, tokenizer: listed(tokenizer), addition: false};
  const holders = {signal: new AbortController().signal, acquire() {}, release() {}};
  return {
    ...model,
    ...holders,
    use: (fn: (m: TrainedModel) => unknown) => fn(model as never)
  } as unknown as TrainedModel;
}

describe("chapter 9 with a BPE model", () => {
  it("listed: a BPE's tokens by id as their strings, reading and writing text as the BPE does", () => {
    const tokenizer = listed(bpe);
    assert.equal(tokenizer.vocab.length, 300);
    assert.deepEqual(
      tokenizer.vocab,
      Array.from({length: 300}, (_, id) => bpe.tokenString(id))
    );
    assert.deepEqual(tokenizer.encode("The cat sat."), bpe.encode("The cat sat."));
    assert.equal(tokenizer.decode(bpe.encode("My dog 🙂")), "My dog 🙂");
    assert.deepEqual(tokenizer.toJSON(), bpe.toJSON());
    const chars = CharTokenizer.fromText("ab");
    assert.equal(listed(chars), chars, "a character tokenizer is listed as it is");
  });

  it("reads any prompt, starts from a prompt it can read, and generates tokens its BPE decodes", async () => {
    const before = tf.memory().numTensors;
    const model = opened();
    assert.equal(encodePrompt(model, defaultPrompt(model)).problem, null);
    const {ids, problem} = encodePrompt(model, "A dog 🙂 ate");
    assert.equal(problem, null, "bytes: no text is outside a byte-level BPE");
    assert.deepEqual(ids, bpe.encode("A dog 🙂 ate"));
    const settings: GenSettings = {...{method: "greedy", temperature: 1, topK: 0, topP: 1, beam: 1}, ...SIX};
    const run = new GenerationRun(model, ids, settings);
    const last = await run.finished;
    assert.ok(last.done);
    assert.equal(last.generated.length, 6);
    assert.ok(last.generated.every((id) => id >= 0 && id < 300));
    for (let at = 1; at <= 6; at++) {
      const step = (await run.step(at))!;
      assert.ok(step.rows.every((r) => r.token === bpe.tokenString(r.id)));
    }
    disposeParams(model.params);
    assert.equal(tf.memory().numTensors, before);
  });
});
