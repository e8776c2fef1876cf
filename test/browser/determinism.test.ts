// Training in the browser bundle: the same seed gives bit-identical losses on the same backend, the four backends
// agree within a stated tolerance over a few AdamW steps, and a run of steps, a generation and the loop leak nothing.
import {test} from "node:test";
import assert from "node:assert/strict";
import {libraryPage} from "./library.js";
import type {TinyGPT} from "./lib-entry.js";

declare const WASM_PATHS: Record<string, string>;

const lib = libraryPage();

const STEPS = 5;
/** Largest |Δ loss| allowed between a backend and cpu after each of the 5 steps (losses are about 3). */
const TOLERANCE = 1e-3;

interface Run {
  active: string;
  simd: boolean | null; // whether wasm ran the course's SIMD kernels
  losses: number[];
  leaked: number;
}

/**
 * A fresh model (seed 11) trained STEPS steps on the toy sentences (batch 4, T 16, lr 1e-2, clip 1) through the
 * training loop, on one backend; dropout as given (its masks come from seeded random ops). With lora, the model is
 * frozen and a rank-2 adapter on every Linear layer of every block trains instead (chapter 11's Finetune).
 */
async function trainOn(backend: string, dropout: number, lora = false): Promise<Run> {
  return lib.page.evaluate(
    async ({backend, dropout, steps, lora}) => {
      const g = (window as unknown as {tinygpt: TinyGPT}).tinygpt;
      const status = await g.initBackend({order: [backend as "cpu"], wasmPaths: WASM_PATHS});
      const before = g.tf.memory().numTensors;
      const data = g.charCorpus(g.TOY_SENTENCES, {blockSize: 16, seed: 2});
      const config = g.makeConfig({
        vocabSize: data.tokenizer.vocabSize,
        ...{blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32, dropout}
      });
      const params = g.initParams(config, 11);
      const fields = {
        steps,
        batchSize: 4,
        lr: 1e-2,
        schedule: "constant" as const,
        warmup: 0,
        clip: 1,
        evalEvery: 0,
        evalIters: 1
      };
      const settings = {...g.recipe("torch"), ...fields};
      const adapter = {r: 2, alpha: 4, dropout: 0, targets: g.LORA_TARGETS, layers: null};
      const tuned = lora ? new g.Finetune({params, data, settings, seed: 5, lora: adapter}) : null;
      const session = tuned?.session ?? new g.TrainingSession({params, data, settings, seed: 5});
      const losses: number[] = [];
      for await (const p of session.run()) if (p.loss !== null) losses.push(p.loss);
      if (tuned) tuned.dispose();
      else session.dispose();
      return {active: status.active, simd: status.simd, losses, leaked: g.tf.memory().numTensors - before};
    },
    {backend, dropout, steps: STEPS, lora}
  );
}

test(`the same seed gives identical losses twice on cpu, wasm, webgl and webgpu (dropout on), leaking nothing`, async () => {
  for (const backend of ["cpu", "wasm", "webgl", "webgpu"]) {
    const [first, second] = [await trainOn(backend, 0.1), await trainOn(backend, 0.1)];
    assert.equal(first.active, backend);
    assert.equal(first.losses.length, STEPS);
    assert.ok(first.losses.every(Number.isFinite), `${backend}: ${first.losses}`);
    assert.deepEqual(second.losses, first.losses, `${backend}: same seed, same losses`);
    assert.deepEqual([first.leaked, second.leaked], [0, 0], `${backend} leaked tensors`);
  }
  assert.deepEqual(lib.errors, []);
});

test(`wasm (with its SIMD kernels), webgl and webgpu training losses agree with cpu within ${TOLERANCE} over ${STEPS} steps (no dropout)`, async () => {
  const reference = await trainOn("cpu", 0);
  assert.ok(reference.losses.at(-1)! < reference.losses[0], `the loss falls on cpu: ${reference.losses}`);
  for (const backend of ["wasm", "webgl", "webgpu"]) {
    const run = await trainOn(backend, 0);
    assert.equal(run.active, backend);
    assert.equal(run.simd, backend === "wasm" ? true : null, `${backend}: the SIMD kernels run on wasm only`);
    const worst = Math.max(...run.losses.map((x, i) => Math.abs(x - reference.losses[i])));
    assert.ok(worst <= TOLERANCE, `${backend}: max |Δ loss| ${worst} vs cpu (${run.losses} vs ${reference.losses})`);
  }
  assert.deepEqual(lib.errors, []);
});

// Chapter 11's page runs on wasm and cpu in lora.test.ts; its LoRA math on the GPU backends is checked here, where a
// run costs seconds instead of the page's minutes of shader compilation on the software adapter.
test(`LoRA fine-tuning: wasm, webgl and webgpu losses agree with cpu within ${TOLERANCE} over ${STEPS} steps`, async () => {
  const reference = await trainOn("cpu", 0, true);
  assert.ok(reference.losses.at(-1)! < reference.losses[0], `the adapted loss falls on cpu: ${reference.losses}`);
  assert.equal(reference.leaked, 0, "cpu leaked tensors");
  for (const backend of ["wasm", "webgl", "webgpu"]) {
    const run = await trainOn(backend, 0, true);
    assert.equal(run.active, backend);
    const worst = Math.max(...run.losses.map((x, i) => Math.abs(x - reference.losses[i])));
    assert.ok(worst <= TOLERANCE, `${backend}: max |Δ loss| ${worst} vs cpu (${run.losses} vs ${reference.losses})`);
    assert.equal(run.leaked, 0, `${backend} leaked tensors`);
  }
  assert.deepEqual(lib.errors, []);
});

test("50 training steps and a 40-token generation leak no tensor on webgpu", async () => {
  const leaked = await lib.page.evaluate(async () => {
    const g = (window as unknown as {tinygpt: TinyGPT}).tinygpt;
    await g.initBackend({order: ["webgpu"], wasmPaths: WASM_PATHS});
    const data = g.charCorpus(g.TOY_SENTENCES, {blockSize: 8, seed: 1});
    const config = g.makeConfig({vocabSize: data.tokenizer.vocabSize, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16});
    const params = g.initParams(config, 4);
    const fields = {
      steps: 50,
      batchSize: 4,
      lr: 1e-3,
      schedule: "constant" as const,
      clip: 1,
      evalEvery: 25,
      evalIters: 1
    };
    const settings = {...g.recipe("torch"), ...fields, logEvery: 10};
    const session = new g.TrainingSession({params, data, settings, seed: 1});
    const before = g.tf.memory().numTensors;
    for await (const p of session.run()) void p;
    const afterTraining = g.tf.memory().numTensors - before;
    const ids = await g.generate(params, [1, 2, 3], {maxNewTokens: 40, seed: 3, temperature: 1});
    const afterGeneration = g.tf.memory().numTensors - before;
    session.dispose();
    return {afterTraining, afterGeneration, generated: ids.length};
  });
  assert.deepEqual(leaked, {afterTraining: 0, afterGeneration: 0, generated: 43});
  assert.deepEqual(lib.errors, []);
});
