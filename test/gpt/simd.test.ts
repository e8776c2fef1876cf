import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {geluRows} from "../../src/gpt/geluKernel.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {charCorpus} from "../../src/gpt/data/corpus.js";
import {initParams, namedParams} from "../../src/gpt/params.js";
import {recipe} from "../../src/gpt/recipes.js";
import {TrainingSession} from "../../src/gpt/session.js";
import {loadSimdKernels, simdKernels, useSimdKernels, type SimdKernels} from "../../src/gpt/simd.js";
import {PLAIN, SHARED, SOURCE_SHA256} from "../../src/gpt/simd/kernels.wasm.js";
import {assertClose, noLeak, productF64, randn, readAll, useCpu} from "../helpers/tf.js";

// The SIMD kernels (src/gpt/simd/kernels.c, built by scripts/simd.mjs): the committed build is the source's, the
// modules touch nothing of the backend's memory but what they are handed, and a training step on wasm uses them and
// learns what the TF.js ops learn. Each kernel's values are tested beside its TF.js ops (wasmKernels, batchMatMul and
// optim tests, each on wasm with and without them).
before(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
});
after(async () => {
  useSimdKernels(true);
  await useCpu();
});

const KERNELS: (keyof SimdKernels)[] = [
  ...["batchMatMul", "gelu", "geluGrad", "columnSums", "transpose2d", "layerNorm", "layerNormGrad"],
  "adamw",
  "sumSquares"
] as (keyof SimdKernels)[];

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));

/** The ids of a WebAssembly module's sections, in order (custom sections, id 0, left out). */
function sections(code: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic and version
  while (at < code.length) {
    const id = code[at++];
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = code[at++];
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    if (id !== 0) ids.push(id);
    at += length;
  }
  return ids;
}

describe("the SIMD kernels' module", () => {
  it("kernels.wasm.ts is the build of kernels.c as it is now (scripts/simd.mjs records the source's SHA-256)", () => {
    const source = readFileSync(new URL("../../src/gpt/simd/kernels.c", import.meta.url));
    assert.equal(createHash("sha256").update(source).digest("hex"), SOURCE_SHA256, "run node scripts/simd.mjs");
  });

  it("each build imports only a memory (shared or not), exports every kernel and its stack pointer, and has no data to write", () => {
    for (const [name, code, shared] of [
      ["SHARED", bytes(SHARED), true],
      ["PLAIN", bytes(PLAIN), false]
    ] as const) {
      assert.ok(WebAssembly.validate(code), `${name} validates`);
      const module = new WebAssembly.Module(code);
      assert.deepEqual(WebAssembly.Module.imports(module), [{module: "env", name: "memory", kind: "memory"}], name);
      const exported = WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`);
      assert.deepEqual(exported.sort(), [...KERNELS.map((k) => `${k}:function`), "__stack_pointer:global"].sort());
      assert.ok(!sections(code).includes(11) && !sections(code).includes(12), `${name}: no data segments`);
      const memory = new WebAssembly.Memory({initial: 2, maximum: 65536, shared}); // 2 pages: the least it asks for
      assert.doesNotThrow(() => new WebAssembly.Instance(module, {env: {memory}}), `${name} links to its memory`);
    }
  });

  it("the plain build multiplies on an unshared memory as a float64 loop does, either operand transposed, rows and columns off its blocks", () => {
    const memory = new WebAssembly.Memory({initial: 4});
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes(PLAIN)), {env: {memory}});
    const k = instance.exports as unknown as SimdKernels & {__stack_pointer: WebAssembly.Global};
    k.__stack_pointer.value = 65536; // the first page for its stack, the tensors above it
    const [batch, M, K, N] = [2, 6, 7, 11];
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true]
    ]) {
      const [a, b] = [randn(1, batch * M * K), randn(2, batch * K * N)];
      const heap = new Float32Array(memory.buffer);
      const [A, B, C] = [65536, 65536 + 4 * a.length, 65536 + 4 * (a.length + b.length)];
      heap.set(a, A / 4);
      heap.set(b, B / 4);
      k.batchMatMul(A, B, C, batch, M, K, N, Number(transA), Number(transB));
      const c = Array.from(heap.subarray(C / 4, C / 4 + batch * M * N));
      assertClose(c, productF64(a, b, [batch, M, K, N], transA, transB), 1e-5, `transA ${transA}, transB ${transB}`);
    }
  });

  it("loads on Node's wasm backend, and useSimdKernels(false) turns it off", async () => {
    assert.ok(simdKernels(), "Node's wasm backend has wasm SIMD");
    assert.equal(await loadSimdKernels(), simdKernels(), "the same module, compiled once per backend");
    useSimdKernels(false);
    assert.equal(simdKernels(), null);
    assert.equal(await loadSimdKernels(), null);
    const x = tf.zeros([2, 4]);
    assert.throws(
      () => geluRows(x),
      /the wasm backend's SIMD kernels are not loaded here/,
      "a kernel that needs them says so"
    );
    x.dispose();
    useSimdKernels(true);
    assert.ok(simdKernels());
    await useCpu();
    assert.equal(simdKernels(), null, "none on cpu");
    await tf.setBackend("wasm");
  });
});

describe("a training step on wasm with the SIMD kernels", () => {
  const T = 8;
  const data = charCorpus(TOY_SENTENCES, {blockSize: T, seed: 1});
  const config = makeConfig({vocabSize: data.tokenizer.vocabSize, blockSize: T, nLayer: 2, nHead: 2, nEmbd: 16});
  const settings = {...recipe("torch"), steps: 3, batchSize: 4, lr: 1e-2, evalEvery: 0, evalIters: 1, logEvery: 1};

  /** Three steps' losses, the weights after them and the kernels of one step, with or without the SIMD kernels. */
  async function train(simd: boolean) {
    useSimdKernels(simd);
    try {
      return await noLeak(async () => {
        const session = new TrainingSession({params: initParams(config, 3), data, settings, seed: 5});
        const losses = [(await session.step()).loss, (await session.step()).loss];
        const {kernelNames} = await tf.profile(async () => {
          losses.push((await session.step()).loss);
          return [];
        });
        const weights = await readAll(namedParams(session.params).map((p) => p.variable));
        session.dispose();
        return {losses, weights, kernels: new Set(kernelNames)};
      });
    } finally {
      useSimdKernels(true);
    }
  }

  it("runs GELU, LayerNorm and the column sums as SIMD kernels of their own, and TF.js's Erf and Mean not at all", async () => {
    const [on, off] = [await train(true), await train(false)];
    const ours = ["TinyGPTGelu", "TinyGPTGeluGrad", "TinyGPTLayerNorm", "TinyGPTLayerNormGrad", "TinyGPTColumnSums"];
    for (const name of ours) assert.ok(on.kernels.has(name) && !off.kernels.has(name), name);
    for (const name of ["Erf", "Mean"]) assert.ok(!on.kernels.has(name) && off.kernels.has(name), name);
  });

  it("learns what the TF.js ops learn: the same losses and weights after three steps, within float32 rounding", async () => {
    const [on, off] = [await train(true), await train(false)];
    assertClose(on.losses, off.losses, 1e-5, "losses");
    on.weights.forEach((w, i) => assertClose(w, off.weights[i], 1e-4, `weight ${i}`));
  });
});
