// The webgl backend's products (src/gpt/webglMatMul.ts): four output texels a fragment, written to four render targets
// and interleaved, against the cpu backend's, forward and backward, and TF.js's own kernel where the shapes do not fit.
import {test} from "node:test";
import assert from "node:assert/strict";
import {libraryPage} from "./library.js";
import type {TinyGPT} from "./lib-entry.js";

declare const WASM_PATHS: Record<string, string>;

const lib = libraryPage();

/** a·b and the gradients of Σ w ⊙ (a·b) on one backend, for op(a) (…, M, K) and op(b) (…, K, N). */
async function productOn(backend: string, lead: number[], M: number, K: number, N: number, tA: boolean, tB: boolean) {
  const values = (shape: number[], seed: number) =>
    Array.from({length: shape.reduce((x, d) => x * d, 1)}, (_, i) => Math.sin(seed * 1000 + i * 0.37));
  const aShape = [...lead, ...(tA ? [K, M] : [M, K])];
  const bShape = [...lead, ...(tB ? [N, K] : [K, N])];
  const wShape = [...lead, M, N];
  const inputs = {aShape, bShape, wShape, av: values(aShape, 1), bv: values(bShape, 2), wv: values(wShape, 3)};
  return lib.page.evaluate(
    async ({backend, tA, tB, aShape, bShape, wShape, av, bv, wv}) => {
      const g = (window as unknown as {tinygpt: TinyGPT}).tinygpt;
      const tf = g.tf;
      await g.initBackend({order: [backend as "cpu"], wasmPaths: WASM_PATHS});
      const before = tf.memory().numTensors;
      const draws = g.fourTargetDraws();
      const [a, b, w] = [tf.tensor(av, aShape), tf.tensor(bv, bShape), tf.tensor(wv, wShape)];
      const c = g.matMul(a, b, tA, tB);
      const [da, db] = tf.grads((x, y) => tf.sum(tf.mul(g.matMul(x, y, tA, tB), w)))([a, b]);
      const out = {c: Array.from(await c.data()), da: Array.from(await da.data()), db: Array.from(await db.data())};
      tf.dispose([a, b, w, c, da, db]);
      const gl = (tf.backend() as unknown as {gpgpu?: {gl: WebGL2RenderingContext}}).gpgpu?.gl;
      return {
        ...out,
        draws: g.fourTargetDraws() - draws,
        leaked: tf.memory().numTensors - before,
        glError: gl?.getError()
      };
    },
    {backend, tA, tB, ...inputs}
  );
}

const close = (got: number[], want: number[], what: string) => {
  assert.equal(got.length, want.length, what);
  const scale = Math.max(...want.map(Math.abs));
  const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
  assert.ok(worst <= 1e-5 * scale, `${what}: max |Δ| ${worst} > 1e-5 × ${scale}`);
};

test("on webgl, products of every transposition, batched or not, and their gradients equal the cpu backend's", async () => {
  const cases: [number[], number, number, number][] = [
    [[], 12, 8, 20],
    [[3], 8, 12, 16],
    [[2, 2], 16, 32, 4]
  ];
  for (const [lead, M, K, N] of cases)
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true]
    ]) {
      const what = `[${lead}] ${M}×${K}×${N} tA ${tA} tB ${tB}`;
      const want = await productOn("cpu", lead, M, K, N, tA, tB);
      const got = await productOn("webgl", lead, M, K, N, tA, tB);
      close(got.c, want.c, `${what}: a·b`);
      close(got.da, want.da, `${what}: ∂/∂a`);
      close(got.db, want.db, `${what}: ∂/∂b`);
      assert.equal(got.draws, 4, `${what}: the product (twice) and both gradients drawn four texels a fragment`);
      assert.equal(got.leaked, 0, `${what}: tensors left`);
      assert.equal(got.glError, 0, `${what}: a WebGL error`);
    }
  assert.deepEqual(lib.errors, []);
});

test("on webgl, a product whose sizes are not multiples of four runs TF.js's kernel, with the same values", async () => {
  const want = await productOn("cpu", [2], 5, 7, 6, false, true);
  const got = await productOn("webgl", [2], 5, 7, 6, false, true);
  close(got.c, want.c, "a·bᵀ");
  close(got.da, want.da, "∂/∂a");
  close(got.db, want.db, "∂/∂b");
  assert.equal(got.draws, 0);
  assert.equal(got.leaked, 0);
  assert.deepEqual(lib.errors, []);
});
