import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {forward} from "../../src/gpt/model.js";
import {crossEntropy} from "../../src/gpt/loss.js";
import {assertClose, flat, noLeak, useCpu} from "../helpers/tf.js";

// The unit tests run on cpu; this file checks once that a training step also runs on wasm, the backend of
// browsers without a GPU, whose kernel set is smaller (it has no scatter, for instance).
before(useCpu);
after(() => tf.setBackend("cpu"));

const config = makeConfig({vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0.1});
const ids = [
  [1, 5, 7, 12, 0, 3],
  [2, 2, 9, 4, 11, 6]
];
const targets = [
  [5, 7, 12, 0, 3, -100],
  [2, 9, 4, 11, 6, 1]
];

/** Loss and every gradient of one training step on the given backend, as plain numbers. */
async function step(backend: string): Promise<{loss: number; grads: number[][]}> {
  assert.ok(await tf.setBackend(backend));
  await tf.ready();
  const params = initParams(config, 3);
  const idx = tf.tensor2d(ids, [2, 6], "int32");
  const y = tf.tensor2d(targets, [2, 6], "int32");
  const vars = namedParams(params).map(({variable}) => variable);
  const out = await noLeak(async () => {
    const {value, grads} = tf.variableGrads(
      () => crossEntropy(forward(params, idx, {training: true, seed: 5}), y),
      vars
    );
    const result = {loss: (await value.data())[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync()))};
    tf.dispose([value, grads]);
    return result;
  });
  tf.dispose([idx, y]);
  disposeParams(params);
  return out;
}

describe("backends", () => {
  it("a training step's loss and gradients (dropout on, seeded) on wasm match cpu's", async () => {
    const cpu = await step("cpu");
    const wasm = await step("wasm");
    assertClose(wasm.loss, cpu.loss, 1e-5, "loss");
    const scale = Math.max(...flat(cpu.grads).map(Math.abs));
    cpu.grads.forEach((g, i) => assertClose(wasm.grads[i], g, 1e-4 * scale, `gradient ${i}`));
  });
});
