import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {FAST_MIN, batchMatMul} from "../../src/gpt/batchMatMul.js";
import {useSimdKernels} from "../../src/gpt/simd.js";
import {assertClose, noLeak, onWasmAndCpu, productF64, randn, randomTensor, readAll} from "../helpers/tf.js";

// batchMatMul runs its own kernel on wasm (the SIMD kernels' product, or without them XNNPACK per batch element, on the
// operands' memory): its products and gradients must be a float64 loop's, on wasm and on cpu (where it is matMul.ts's).
before(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
});
after(() => tf.setBackend("cpu"));

const SHAPES = [
  {batch: [2, 3], M: 5, K: 4, N: 6}, // (B, nh, T, hs)-like, odd sizes: below FAST_MIN, tf.matMul
  {batch: [1, 2], M: 1, K: 8, N: 7}, // one query against a KV cache
  {batch: [2, 2], M: 40, K: 24, N: 36}, // above FAST_MIN: the course's kernel; columns past the SIMD blocks of 8
  {batch: [2], M: 34, K: 33, N: 37}, // rows past the SIMD blocks of 4 too
  {batch: [2], M: 13, K: 100, N: 90}, // a @ bᵀ in panels of bᵀ: 40, 40 and 10 columns; a row past the blocks
  {batch: [1], M: 8, K: 520, N: 9}, // a @ bᵀ with no panel on the stack: one float at a time
  {batch: [3], M: 64, K: 32, N: 64} // the baby model's attention
];

describe("batchMatMul", () => {
  for (const [backend, simd] of [
    ["wasm", true],
    ["wasm", false],
    ["cpu", false]
  ] as const) {
    const where = backend === "wasm" ? `wasm ${simd ? "with" : "without"} its SIMD kernels` : backend;
    for (const transposeB of [false, true]) {
      it(`equals a float64 loop on ${where}${transposeB ? " (a @ bᵀ)" : " (a @ b)"}, batch dims kept, leaking nothing`, async () => {
        await tf.setBackend(backend);
        useSimdKernels(simd);
        await noLeak(async () => {
          for (const [s, {batch, M, K, N}] of SHAPES.entries()) {
            const n = batch.reduce((x, y) => x * y, 1);
            const [av, bv] = [randn(10 + s, n * M * K), randn(20 + s, n * K * N)];
            const a = tf.tensor(av, [...batch, M, K]);
            const b = tf.tensor(bv, transposeB ? [...batch, N, K] : [...batch, K, N]);
            const y = tf.tidy(() => batchMatMul(a, b, transposeB));
            assert.deepEqual(y.shape, [...batch, M, N]);
            assertClose(
              Array.from(await y.data()),
              productF64(av, bv, [n, M, K, N], false, transposeB),
              K > 64 ? 2e-6 * K : 1e-5, // float32 sums of K products of normals
              `product ${M}×${K}×${N}`
            );
            tf.dispose([a, b, y]);
          }
        }).finally(() => useSimdKernels(true));
      });
    }
  }

  // the gradients' products take a transposed operand (read in place by the SIMD kernel): sizes on its blocks, and off
  for (const [transposeB, simd, [M, K, N]] of [false, true].flatMap((t) =>
    [true, false].flatMap((simd) => [
      [t, simd, [40, 24, 36]],
      [t, simd, [41, 27, 39]]
    ])
  ) as [boolean, boolean, number[]][]) {
    it(`its gradients on wasm ${simd ? "with" : "without"} its SIMD kernels are tf.matMul's on cpu${transposeB ? " (a @ bᵀ)" : " (a @ b)"}, M ${M} K ${K} N ${N}`, async () => {
      const shapes = {a: [2, 3, M, K], b: transposeB ? [2, 3, N, K] : [2, 3, K, N], dy: [2, 3, M, N]};
      useSimdKernels(simd);
      const {wasm, cpu} = await onWasmAndCpu(async () => {
        const [a, b, dy] = [shapes.a, shapes.b, shapes.dy].map((shape, i) => randomTensor(shape, 30 + i));
        const f = (x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.getBackend() === "wasm" ? batchMatMul(x, y, transposeB) : tf.matMul(x, y, false, transposeB), dy)
          );
        const [da, db] = tf.grads(f)([a, b]);
        const out = await readAll([da, db]);
        tf.dispose([a, b, dy, da, db]);
        return out;
      }).finally(() => useSimdKernels(true));
      assertClose(wasm[0], cpu[0], 1e-5, "da");
      assertClose(wasm[1], cpu[1], 1e-5, "db");
    });
  }

  it("takes its own kernel on wasm only for products of FAST_MIN multiply-adds or more", async () => {
    await tf.setBackend("wasm");
    await noLeak(async () => {
      const kernels = async (M: number, K: number, N: number) => {
        const [a, b] = [tf.zeros([2, M, K]), tf.zeros([2, K, N])];
        const {kernelNames, result} = await tf.profile(() => tf.tidy(() => batchMatMul(a, b)));
        tf.dispose([a, b, result as tf.Tensor]);
        return kernelNames;
      };
      assert.ok(32 * 32 * 32 >= FAST_MIN && (await kernels(32, 32, 32)).includes("TinyGPTBatchMatMul"));
      assert.ok(11 * 11 * 16 < FAST_MIN && (await kernels(11, 16, 11)).includes("BatchMatMul"));
      assert.ok(!(await kernels(11, 16, 11)).includes("TinyGPTBatchMatMul"));
    });
  });

  it("refuses operands whose inner or batch sizes differ, naming both shapes", async () => {
    await tf.setBackend("wasm");
    await noLeak(() => {
      const [a, b] = [tf.zeros([2, 32, 40]), tf.zeros([3, 40, 50])];
      assert.throws(() => tf.tidy(() => batchMatMul(a, b)), /batchMatMul: cannot multiply \[2,32,40\] by \[3,40,50\]/);
      tf.dispose([a, b]);
    });
  });
});
