import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {columnSums, transpose2d} from "../../src/gpt/transpose.js";
import {splitLast} from "../../src/gpt/split.js";
import {shareIdentity} from "../../src/gpt/identity.js";
import {gelu, layerNorm, linear, matMul2d} from "../../src/gpt/layers.js";
import {useSimdKernels} from "../../src/gpt/simd.js";
import {assertClose, noLeak, onWasmAndCpu, randn, randomTensor, readAll} from "../helpers/tf.js";

// The wasm backend's own kernels (a blocked transpose, a split of the last axis, an Identity that shares memory) and
// the wasm-only paths of the layers that use them: their values and gradients must be those of plain TF.js on cpu,
// or of a float64 formula. The transposes, column sums, GELU and LayerNorm are tested twice on wasm: with the course's
// SIMD kernels (simd.ts) and without them (the TF.js ops that webgl and webgpu run).
before(async () => {
  await tf.setBackend("wasm");
  await tf.ready();
});
after(() => tf.setBackend("cpu"));

/** erf in float64: its Taylor series up to 3, erfc's asymptotic series beyond (both within 1e-12 of erf there). */
function erf64(z: number): number {
  const a = Math.abs(z);
  if (a <= 3) {
    let sum = 0;
    let term = z;
    for (let n = 0; n < 200; n++) {
      sum += term / (2 * n + 1);
      term *= (-z * z) / (n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let series = 1;
  let term = 1;
  for (let k = 1; k < 8; k++) {
    term *= -(2 * k - 1) / (2 * a * a);
    series += term;
  }
  return Math.sign(z) * (1 - (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * series);
}

/** The describe block fn defines, once with the SIMD kernels and once without (label: which). */
function bothWasmPaths(title: string, fn: (label: string) => void): void {
  for (const simd of [true, false])
    describe(`${title}, ${simd ? "SIMD kernels" : "no SIMD kernels"}`, () => {
      before(() => useSimdKernels(simd));
      after(() => useSimdKernels(true));
      fn(simd ? "wasm's SIMD kernels" : "wasm without SIMD kernels");
    });
}

bothWasmPaths("transpose2d and columnSums", (label) => {
  // sizes in whole 4 × 4 blocks (the SIMD kernels' lanes), sizes off the blocks, one row, one column
  const SHAPES: [number, number][] = [
    [1024, 512],
    [36, 20],
    [37, 5],
    [1, 9],
    [9, 1],
    [17, 33]
  ];

  it(`transpose2d on ${label} equals tf.transpose, element for element, leaking nothing`, async () => {
    await tf.setBackend("wasm");
    await noLeak(async () => {
      for (const [s, [R, C]] of SHAPES.entries()) {
        const x = randomTensor([R, C], 40 + s) as tf.Tensor2D;
        const [ours, theirs] = [transpose2d(x), tf.transpose(x)];
        assert.deepEqual(ours.shape, [C, R]);
        assert.deepEqual(Array.from(await ours.data()), Array.from(await theirs.data()), `${R}×${C}`);
        tf.dispose([x, ours, theirs]);
      }
    });
  });

  it(`the gradient through transpose2d on ${label} is the transposed upstream gradient`, async () => {
    await tf.setBackend("wasm");
    await noLeak(async () => {
      for (const [R, C] of [
        [17, 33],
        [16, 32]
      ]) {
        const [x, w] = [randomTensor([R, C], 50), randomTensor([C, R], 51)];
        const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(transpose2d(t as tf.Tensor2D), w)))([x]);
        const wt = tf.transpose(w);
        assert.deepEqual(Array.from(await dx.data()), Array.from(await wt.data()));
        tf.dispose([x, w, dx, wt]);
      }
    });
  });

  it(`columnSums on ${label} and cpu equal a float64 sum of each column`, async () => {
    for (const [s, [R, C]] of SHAPES.entries()) {
      const values = randn(60 + s, R * C);
      const expected = Array.from({length: C}, (_, j) => {
        let sum = 0;
        for (let i = 0; i < R; i++) sum += values[i * C + j];
        return sum;
      });
      const {wasm, cpu} = await onWasmAndCpu(async () => {
        const x = tf.tensor2d(values, [R, C]);
        const sums = columnSums(x);
        assert.deepEqual(sums.shape, [C]);
        const out = Array.from(await sums.data());
        tf.dispose([x, sums]);
        return out;
      });
      // float32 sums of up to 1,024 normal values: a few float steps of a sum of size ~30
      assertClose(wasm, expected, 5e-4, `wasm ${R}×${C}`);
      assertClose(cpu, expected, 5e-4, `cpu ${R}×${C}`);
    }
  });
});

describe("splitLast", () => {
  it("splitLast(x, n) on wasm equals tf.split along the last axis, for 2-, 3- and 4-D x", async () => {
    await tf.setBackend("wasm");
    await noLeak(async () => {
      for (const [s, shape] of [
        [6, 12],
        [2, 5, 9],
        [2, 3, 4, 6]
      ].entries()) {
        const x = randomTensor(shape, 70 + s);
        const n = 3;
        const ours = splitLast(x, n);
        const theirs = tf.split(x, n, -1);
        assert.equal(ours.length, n);
        for (let p = 0; p < n; p++) {
          assert.deepEqual(ours[p].shape, [...shape.slice(0, -1), shape[shape.length - 1] / n]);
          assert.deepEqual(Array.from(await ours[p].data()), Array.from(await theirs[p].data()), `part ${p}`);
        }
        tf.dispose([x, ...ours, ...theirs]);
      }
    });
  });

  it("its gradient puts each part's gradient back in its columns, zeros for a part that is not used", async () => {
    const {wasm, cpu} = await onWasmAndCpu(async () => {
      const [x, w] = [randomTensor([2, 5, 9], 80), randomTensor([2, 5, 3], 81)];
      // parts 0 and 2 are used, part 1 is not
      const f = (t: tf.Tensor) => {
        const [a, , c] = splitLast(t, 3);
        return tf.sum(tf.add(tf.mul(a, w), tf.mul(tf.square(c), w)));
      };
      const [dx] = tf.grads(f)([x]);
      const out = await readAll([dx]);
      tf.dispose([x, w, dx]);
      return out[0];
    });
    assertClose(wasm, cpu, 1e-6);
    const middle = wasm.filter((_, i) => i % 9 >= 3 && i % 9 < 6);
    assert.ok(middle.every((v) => v === 0));
  });

  it("refuses a last axis that does not divide into n parts, naming both", () => {
    const x = tf.zeros([2, 7]);
    assert.throws(() => splitLast(x, 3), /7 does not divide into 3 parts/);
    x.dispose();
  });
});

describe("shareIdentity", () => {
  it("after it, tf.clone on wasm shares the input's memory: no new buffer, the same values, freed with the last tensor", async () => {
    await tf.setBackend("wasm");
    shareIdentity();
    await noLeak(async () => {
      const x = randomTensor([64, 32], 90);
      const buffers = tf.memory().numDataBuffers;
      const y = tf.clone(x);
      assert.equal(tf.memory().numDataBuffers, buffers, "the clone made a new buffer");
      const expected = Array.from(await x.data());
      x.dispose();
      assert.deepEqual(Array.from(await y.data()), expected, "the clone lost its values with the original");
      y.dispose();
      assert.equal(tf.memory().numDataBuffers, buffers - 1, "the shared buffer was not freed");
    });
  });

  it("a gradient that saves its inputs gives the same values with a sharing Identity as tf.grads on cpu", async () => {
    await tf.setBackend("wasm");
    shareIdentity();
    const {wasm, cpu} = await onWasmAndCpu(async () => {
      const [x, w] = [randomTensor([8, 16], 100), randomTensor([16, 16], 101)];
      // each product saves its inputs (cloned by TF.js), and x is disposed before the gradient is read
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.tanh(a), b)));
      const grads = tf.grads(f)([x, w]);
      x.dispose();
      const out = await readAll(grads);
      tf.dispose([w, ...grads]);
      return out;
    });
    assertClose(wasm[0], cpu[0], 1e-5, "dx");
    assertClose(wasm[1], cpu[1], 1e-5, "dw");
  });
});

describe("matMul2d and linear on wasm", () => {
  for (const [nIn, nOut] of [
    [24, 40],
    [40, 24]
  ]) {
    it(`matMul2d's gradients on wasm equal tf.matMul's on cpu (in ${nIn}, out ${nOut})`, async () => {
      const {wasm, cpu} = await onWasmAndCpu(async () => {
        const [a, b, dy] = [
          randomTensor([96, nIn], 110),
          randomTensor([nIn, nOut], 111),
          randomTensor([96, nOut], 112)
        ];
        const mm = tf.getBackend() === "wasm" ? matMul2d : (x: tf.Tensor2D, y: tf.Tensor2D) => tf.matMul(x, y);
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), dy))
        )([a, b]);
        const out = await readAll(grads);
        tf.dispose([a, b, dy, ...grads]);
        return out;
      });
      assertClose(wasm[0], cpu[0], 1e-5, "da");
      assertClose(wasm[1], cpu[1], 1e-5, "db");
    });
  }

  it("linear's bias gradient on wasm (the column sums of dy) equals cpu's", async () => {
    const {wasm, cpu} = await onWasmAndCpu(async () => {
      const [x, w, b, dy] = [
        randomTensor([3, 40, 24], 130),
        randomTensor([24, 36], 131),
        randomTensor([36], 132),
        randomTensor([3, 40, 36], 133)
      ];
      const f = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(tf.mul(linear(xs, {weight: ws as tf.Variable, bias: bs as tf.Variable}), dy));
      const grads = tf.grads(f)([x, w, b]);
      const out = await readAll(grads);
      tf.dispose([x, w, b, dy, ...grads]);
      return out;
    });
    for (const [i, name] of ["dx", "dW", "db"].entries()) assertClose(wasm[i], cpu[i], 1e-4, name);
  });
});

bothWasmPaths("GELU and LayerNorm on wasm", (label) => {
  it(`gelu on ${label} is x·Φ(x) within 1e-6, from −9 to 9`, async () => {
    await tf.setBackend("wasm");
    const xs = Array.from({length: 184}, (_, i) => -9 + i / 10); // 184: whole lanes of 4
    const expected = xs.map((x) => 0.5 * x * (1 + erf64(x / Math.SQRT2)));
    await noLeak(async () => {
      const x = tf.tensor1d(xs);
      const y = tf.tidy(() => gelu(x));
      assertClose(Array.from(await y.data()), expected, 1e-6);
      tf.dispose([x, y]);
    });
  });

  it(`gelu's gradient on ${label} is Φ(x) + x·φ(x) within 2e-6, from −9 to 9`, async () => {
    await tf.setBackend("wasm");
    const xs = Array.from({length: 184}, (_, i) => -9 + i / 10);
    const expected = xs.map((x) => {
      const cdf = 0.5 * (1 + erf64(x / Math.SQRT2));
      return cdf + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
    });
    await noLeak(async () => {
      const x = tf.tensor1d(xs);
      const [dx] = tf.grads((t: tf.Tensor) => tf.sum(gelu(t)))([x]);
      assertClose(Array.from(await dx.data()), expected, 2e-6);
      tf.dispose([x, dx]);
    });
  });

  for (const bias of [true, false]) {
    it(`layerNorm's values and gradients on ${label} equal those on cpu (one kernel each way)${bias ? "" : ", no bias"}`, async () => {
      const {wasm, cpu} = await onWasmAndCpu(async () => {
        const [x, gamma, beta, dy] = [
          randomTensor([4, 16, 24], 120, 3),
          randomTensor([24], 121),
          randomTensor([24], 122),
          randomTensor([4, 16, 24], 123)
        ];
        const ln = (a: tf.Tensor, g: tf.Tensor, b?: tf.Tensor) =>
          layerNorm(a, {weight: g as tf.Variable, bias: (b ?? null) as tf.Variable | null}, 1e-5);
        const y = ln(x, gamma, bias ? beta : undefined);
        const f = bias
          ? (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(ln(a, g, b), dy))
          : (a: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(ln(a, g), dy));
        const grads = tf.grads(f)(bias ? [x, gamma, beta] : [x, gamma]);
        const out = await readAll([y, ...grads]);
        tf.dispose([x, gamma, beta, dy, y, ...grads]);
        return out;
      });
      for (const [i, name] of ["y", "dx", "dγ", "dβ"].slice(0, bias ? 4 : 3).entries())
        assertClose(wasm[i], cpu[i], 1e-4, name);
    });
  }
});
