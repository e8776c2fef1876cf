import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {singularValues} from "../../src/gpt/singular.js";
import {randn} from "../helpers/tf.js";

const matrix = (rows: number, cols: number, seed: number) => {
  const values = randn(seed, rows * cols);
  return Array.from({length: rows}, (_, i) => values.slice(i * cols, (i + 1) * cols));
};
const product = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const close = (a: number, b: number, tol: number) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe("singularValues", () => {
  it("are the absolute diagonal of a diagonal matrix, largest first, min(m, n) of them", () => {
    assert.deepEqual(
      singularValues([
        [0, 0, 0],
        [0, -3, 0]
      ]),
      [3, 0]
    );
    assert.deepEqual(singularValues([[2], [0], [0]]), [2]);
  });

  it("of [[3, 0], [4, 5]] are √45 and √5 (the eigenvalues of MᵀM are 45 and 5)", () => {
    const [s1, s2] = singularValues([
      [3, 0],
      [4, 5]
    ]);
    close(s1, Math.sqrt(45), 1e-12);
    close(s2, Math.sqrt(5), 1e-12);
  });

  it("their squares sum to the squared Frobenius norm, for a tall and a wide matrix alike", () => {
    for (const m of [matrix(12, 5, 1), matrix(5, 12, 2)]) {
      const frobenius = m.flat().reduce((s, v) => s + v * v, 0);
      close(
        singularValues(m).reduce((s, v) => s + v * v, 0),
        frobenius,
        1e-10
      );
      assert.equal(singularValues(m).length, 5);
    }
  });

  it("a product (m × r)(r × n) has r non-zero singular values: the rest are zero to float64 precision", () => {
    const [r, m, n] = [3, 20, 16];
    const s = singularValues(product(matrix(m, r, 3), matrix(r, n, 4)));
    assert.ok(s.slice(0, r).every((v) => v > 1e-3 * s[0]));
    assert.ok(
      s.slice(r).every((v) => v < 1e-12 * s[0]),
      `beyond rank ${r}: ${s.slice(r)}`
    );
  });
});
