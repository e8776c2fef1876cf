import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {PRESETS} from "../../src/gpt/presets.js";
import {
  MAX_TEXT_BYTES,
  MEMORY_BUDGET_BYTES,
  TextError,
  decodeText,
  estimateMemory,
  memoryProblem
} from "../../src/gpt/limits.js";
import {AdamW} from "../../src/gpt/optim.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {trainStep} from "../../src/gpt/step.js";
import {useSimdKernels} from "../../src/gpt/simd.js";
import {useCpu} from "../helpers/tf.js";

// The estimate is measured on wasm without its SIMD kernels, where LayerNorm, GELU and softmax run as TF.js ops like
// webgl and webgpu (the cpu backend's own kernels and wasm's SIMD ones keep less: an estimate good for the ops holds
// there too, over by up to 1.6× on wasm with its SIMD kernels).
before(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
  useSimdKernels(false);
});
after(async () => {
  useSimdKernels(true);
  await useCpu();
});

describe("memory budget", () => {
  it("estimateMemory counts 16 bytes per parameter of weights, gradients and AdamW, plus activations", () => {
    const m = estimateMemory(PRESETS.toy, 8);
    const n = countParams(PRESETS.toy).total;
    assert.deepEqual([m.parameters, m.weights, m.gradients, m.adam], [n, 4 * n, 4 * n, 8 * n]);
    assert.equal(m.total, m.weights + m.gradients + m.adam + m.activations);
    assert.equal(estimateMemory(PRESETS.toy, 16).activations, 2 * m.activations, "activations grow with the batch");
  });

  for (const [C, T, L, B] of [
    [16, 8, 1, 4],
    [64, 32, 2, 8]
  ]) {
    it(`the estimate is at least the measured peak of a training step and at most 1.5× it (C ${C}, T ${T}, ${L} layers, B ${B})`, async () => {
      const config = makeConfig({vocabSize: 40, blockSize: T, nLayer: L, nHead: 4, nEmbd: C, dropout: 0.1});
      const params = initParams(config, 1);
      const optimizer = new AdamW(params);
      const adamw = {lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01};
      const batch = {x: new Int32Array(B * T).fill(1), y: new Int32Array(B * T).fill(2), B, T};
      const {peakBytes} = await tf.profile(() => {
        const {loss, gradNorm} = trainStep(params, optimizer, [batch], adamw, {clip: 1, seeds: [1]});
        tf.dispose([loss, gradNorm]);
      });
      optimizer.dispose();
      disposeParams(params);
      const estimate = estimateMemory(config, B).total;
      assert.ok(estimate >= peakBytes && estimate <= 1.5 * peakBytes, `estimate ${estimate}, measured ${peakBytes}`);
    });
  }

  it("memoryProblem refuses a run over the budget, naming the estimate, its parts and the budget", () => {
    assert.equal(memoryProblem(PRESETS.toy, 32), null);
    assert.equal(memoryProblem(PRESETS["shakespeare-char"], 1), null);
    const problem = memoryProblem(PRESETS["shakespeare-char"], 64);
    assert.match(
      problem ?? "",
      /^training needs about [\d.]+ GB \(weights, gradients and AdamW [\d.]+ MB for 10,\d{3},\d{3} parameters, activations [\d.]+ GB for batch 64 × 256 tokens\), over the 2 GB budget: use a smaller model or batch$/
    );
    assert.ok(estimateMemory(PRESETS["shakespeare-char"], 64).total > MEMORY_BUDGET_BYTES);
    assert.match(memoryProblem(PRESETS.toy, 32, 1e5) ?? "", /over the 0.1 MB budget/);
  });
});

describe("text limits", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const refuses = (data: Uint8Array, message: RegExp, max?: number) =>
    assert.throws(
      () => decodeText(data, "notes.txt", max),
      (e: unknown) => e instanceof TextError && message.test(e.message)
    );

  it("decodeText returns the UTF-8 text of a file, non-ASCII and astral characters included", () => {
    assert.equal(decodeText(bytes("héllo 🙂\n"), "notes.txt"), "héllo 🙂\n");
  });

  it("decodeText refuses an empty file", () => refuses(new Uint8Array(0), /^notes.txt is empty: no characters/));

  it("decodeText refuses a file over the size limit before decoding it", () => {
    refuses(bytes("abcdef"), /^notes.txt is 6 bytes, over the 5 bytes limit for a text$/, 5);
    assert.equal(MAX_TEXT_BYTES, 10_000_000);
    refuses(new Uint8Array(MAX_TEXT_BYTES + 1).fill(97), /is 10 MB, over the 10 MB limit/);
  });

  it("decodeText refuses a binary file: a NUL byte, or bytes that are not UTF-8", () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    refuses(png, /^notes.txt is not text: it has a NUL byte at offset 8 \(a binary file\?\)$/);
    refuses(Uint8Array.from([0x61, 0xff, 0xfe, 0x62]), /^notes.txt is not text: it is not valid UTF-8/);
  });
});
