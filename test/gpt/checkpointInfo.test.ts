import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {CheckpointError, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {checkpointInfo, isAdditionModel, readCheckpointInfo, trainedOn} from "../../src/gpt/checkpointInfo.js";
import {makeConfig} from "../../src/gpt/config.js";
import {additionTokenizer} from "../../src/gpt/data/addition.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {CharTokenizer, type Tokenizer} from "../../src/gpt/tokenizer.js";
import {noLeak, useCpu} from "../helpers/tf.js";

before(useCpu);

/** A fresh tiny model's checkpoint with this tokenizer and, unless null, this training record. */
function checkpoint(tokenizer: Tokenizer, training: object | null): Uint8Array {
  const config = makeConfig({vocabSize: tokenizer.vocabSize, blockSize: 12, nLayer: 1, nHead: 1, nEmbd: 8, dFF: 8});
  const params = initParams(config, 1);
  try {
    const metadata: Record<string, string> = training === null ? {} : {training: JSON.stringify(training)};
    return saveCheckpoint(params, tokenizer, {metadata});
  } finally {
    disposeParams(params);
  }
}

const sums = {data: {task: "addition", seed: 3, nTrain: 10_000, nTest: 1000}, steps: 12};

describe("readCheckpointInfo", () => {
  it("reads the tokenizer and the training record from the header alone, making no tensor", async () => {
    const bytes = checkpoint(additionTokenizer(), sums);
    const header = bytes.subarray(0, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)));
    const info = await noLeak(() => readCheckpointInfo(header)); // the tensors' bytes are not there at all
    assert.deepEqual(info.tokenizer, {type: "char", vocab: [..."0123456789+="]});
    assert.deepEqual(info.training, sums);
  });

  it("refuses bytes that are not a checkpoint with a CheckpointError", async () => {
    await noLeak(() =>
      assert.throws(() => readCheckpointInfo(new TextEncoder().encode("not a checkpoint at all")), CheckpointError)
    );
  });

  it("counts a training record that is not a JSON object as absent", () => {
    assert.equal(checkpointInfo({training: "{oops"}).training, null);
    assert.equal(checkpointInfo({training: "[1, 2]"}).training, null);
    assert.equal(checkpointInfo({}).tokenizer, null);
  });
});

describe("isAdditionModel", () => {
  it("is true for the shipped addition model and false for the shipped Shakespeare model, from their metadata", async () => {
    const shipped = (name: string) => readCheckpointInfo(readFileSync(`data/checkpoints/${name}.safetensors`));
    const [addition, shakespeare] = await noLeak(() => [shipped("addition"), shipped("shakespeare")]);
    assert.equal(isAdditionModel(addition), true);
    assert.equal(trainedOn(addition.training), "addition");
    assert.equal(isAdditionModel(shakespeare), false);
    assert.equal(trainedOn(shakespeare.training), "tinyshakespeare.txt");
  });

  it("needs the addition characters, and a training record (when there is one) that names the addition task", () => {
    const text = CharTokenizer.fromText("the cat sat on the mat");
    const before = tf.memory().numTensors;
    const is = (tokenizer: Tokenizer, training: object | null) =>
      isAdditionModel(readCheckpointInfo(checkpoint(tokenizer, training)));
    assert.equal(is(additionTokenizer(), sums), true);
    assert.equal(is(additionTokenizer(), null), true, "a model without a record is what its characters say");
    assert.equal(is(additionTokenizer(), {data: {corpus: "digits"}}), false, "the addition characters, another task");
    assert.equal(is(text, sums), false, "a record alone does not make a model read sums");
    assert.equal(is(text, {data: {text: "the addition task"}}), false);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("trainedOn", () => {
  it("names the task, the corpus, the file (without its folders) or the reader's text; null without data", () => {
    assert.equal(trainedOn({data: {corpus: "fables"}}), "fables");
    assert.equal(trainedOn({data: {file: "../shared/data/input.txt"}}), "input.txt");
    assert.equal(trainedOn({data: {text: "pasted"}}), "pasted");
    assert.equal(trainedOn({steps: 3}), null);
    assert.equal(trainedOn(null), null);
  });
});
