import {test} from "node:test";
import assert from "node:assert/strict";
import {libraryPage} from "./library.js";
import type {TinyGPT} from "./lib-entry.js";

declare const WASM_PATHS: Record<string, string>;

const lib = libraryPage();

/** Logits of a fresh model (preset, seed 3) for two fixed sequences on one backend, and the tensor count change. */
async function logitsOn(
  backend: string,
  presetName: string
): Promise<{values: number[]; leaked: number; active: string}> {
  return lib.page.evaluate(
    async ({backend, presetName}) => {
      const g = (window as unknown as {tinygpt: TinyGPT}).tinygpt;
      const status = await g.initBackend({order: [backend as "cpu"], wasmPaths: WASM_PATHS});
      const before = g.tf.memory().numTensors;
      const config = g.preset(presetName as "addition");
      const params = g.initParams(config, 3);
      const T = Math.min(config.blockSize, 12);
      const ids = Array.from({length: 2 * T}, (_, i) => (i * 7 + 3) % config.vocabSize);
      const idx = g.tf.tensor2d(ids, [2, T], "int32");
      const logits = g.forward(params, idx);
      const values = Array.from(await logits.data());
      g.tf.dispose([idx, logits]);
      g.disposeParams(params);
      return {values, leaked: g.tf.memory().numTensors - before, active: status.active};
    },
    {backend, presetName}
  );
}

for (const presetName of ["addition", "tiny-decoder", "toy"]) {
  test(`forward (${presetName}) agrees on cpu, wasm, webgl and webgpu within 1e-4 relative, leaking nothing`, async () => {
    const reference = await logitsOn("cpu", presetName);
    assert.equal(reference.active, "cpu");
    assert.equal(reference.leaked, 0);
    const scale = Math.max(...reference.values.map(Math.abs));
    assert.ok(scale > 0.01, "logits are not trivially zero");
    for (const backend of ["wasm", "webgl", "webgpu"]) {
      const other = await logitsOn(backend, presetName);
      assert.equal(other.active, backend);
      assert.equal(other.leaked, 0, `${backend} leaked tensors`);
      assert.equal(other.values.length, reference.values.length);
      const worst = Math.max(...other.values.map((v, i) => Math.abs(v - reference.values[i])));
      assert.ok(worst <= 1e-4 * scale, `${backend}: max |Δ| ${worst} > 1e-4 × ${scale}`);
    }
    assert.deepEqual(lib.errors, [], "console errors or WebGPU warnings");
  });
}

test("gradients are registered in the browser bundle on every backend", async () => {
  for (const backend of ["cpu", "wasm", "webgl", "webgpu"]) {
    const grad = await lib.page.evaluate(async (backend) => {
      const g = (window as unknown as {tinygpt: TinyGPT}).tinygpt;
      await g.initBackend({order: [backend as "cpu"], wasmPaths: WASM_PATHS});
      const out = g.tf.tidy(() =>
        g.tf.grad((a: import("@tinygpt/tf").Tensor) => g.tf.sum(g.tf.mul(a, a)))(g.tf.tensor1d([1, -2, 3]))
      );
      const values = Array.from(await out.data());
      out.dispose();
      return values;
    }, backend);
    assert.deepEqual(grad, [2, -4, 6], backend);
  }
});
