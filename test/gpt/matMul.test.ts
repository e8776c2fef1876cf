import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {matMul} from "../../src/gpt/matMul.js";
import {noLeak, productF64, randn, randomTensor, readAll, useCpu} from "../helpers/tf.js";

// matMul's own kernel on the cpu backend: its products against a float64 sum, its gradients against those TF.js takes
// of its own matMul, every transpose, sizes that are not multiples of the kernel's 4 × 4 blocks, batches.
before(useCpu);
after(useCpu);

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true]
];
const shapeOf = (rows: number, cols: number, transposed: boolean) => (transposed ? [cols, rows] : [rows, cols]);

describe("matMul on the cpu backend", () => {
  for (const [tA, tB] of FLAGS)
    it(`equals a float64 product with transposeA ${tA}, transposeB ${tB}, at sizes off the 4 × 4 blocks`, async () => {
      for (const [batch, M, K, N] of [
        [[], 1, 1, 1],
        [[], 5, 7, 9],
        [[], 8, 12, 4],
        [[2, 3], 6, 33, 3]
      ] as [number[], number, number, number][]) {
        const nb = batch.reduce((x, d) => x * d, 1);
        const av = randn(1, nb * M * K);
        const bv = randn(2, nb * K * N);
        const {shape, values} = await noLeak(async () => {
          const c = tf.tidy(() =>
            matMul(
              tf.tensor(av, [...batch, ...shapeOf(M, K, tA)]),
              tf.tensor(bv, [...batch, ...shapeOf(K, N, tB)]),
              tA,
              tB
            )
          );
          const out = {shape: c.shape, values: Array.from(await c.data())};
          c.dispose();
          return out;
        });
        assert.deepEqual(shape, [...batch, M, N]);
        const want = productF64(av, bv, [nb, M, K, N], tA, tB);
        values.forEach((v, i) =>
          assert.ok(Math.abs(v - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${i}: ${v} vs ${want[i]}`)
        );
      }
    });

  it("runs its own kernel, not the backend's BatchMatMul", async () => {
    const {kernelNames} = await tf.profile(() =>
      tf.tidy(() => matMul(randomTensor([6, 5], 1), randomTensor([5, 7], 2)))
    );
    assert.deepEqual(kernelNames, ["TinyGPTMatMulCPU"]);
  });

  for (const [tA, tB] of FLAGS)
    it(`has tf.matMul's gradients with transposeA ${tA}, transposeB ${tB}`, async () => {
      const [a, b, dy] = [
        randomTensor([2, ...shapeOf(5, 6, tA)], 3),
        randomTensor([2, ...shapeOf(6, 7, tB)], 4),
        randomTensor([2, 5, 7], 5)
      ];
      const ours = await noLeak(() => {
        const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMul(x, y, tA, tB))([a, b], dy);
        return readAll(g).finally(() => tf.dispose(g));
      });
      const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, tA, tB))([a, b], dy);
      const want = await readAll(theirs);
      tf.dispose([...theirs, a, b, dy]);
      ours.forEach((g, n) =>
        g.forEach((v, i) => assert.ok(Math.abs(v - want[n][i]) < 1e-5, `${n}/${i}: ${v} vs ${want[n][i]}`))
      );
    });

  it("refuses operands whose inner sizes differ, naming both shapes", () => {
    const [a, b] = [tf.zeros([3, 4]), tf.zeros([5, 2])];
    assert.throws(() => matMul(a, b), /inner sizes 4 and 5 differ \(\[3,4\] by \[5,2\]/);
    tf.dispose([a, b]);
  });
});
