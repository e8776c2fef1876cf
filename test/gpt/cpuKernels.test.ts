import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {transpose2d, transposeRows} from "../../src/gpt/transpose.js";
import {splitLast} from "../../src/gpt/split.js";
import {softmax} from "../../src/gpt/softmax.js";
import {erf} from "../../src/gpt/geluKernel.js";
import {gelu} from "../../src/gpt/layers.js";
import {causalSelfAttention} from "../../src/gpt/attention.js";
import {makeConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {assertClose, noLeak, randn, randomTensor, readAll, useCpu} from "../helpers/tf.js";

// The cpu backend's own kernels (GELU, softmax, transposes, the q/k/v split): their values and gradients must be those
// of TF.js's own ops or of a float64 formula. LayerNorm's kernels are held equal to its TF.js ops on wasm in
// wasmKernels.test.ts, matMul's in matMul.test.ts.
before(useCpu);
after(useCpu);

const values = async (t: tf.Tensor) => Array.from(await t.data());

describe("transposes and the split on cpu", () => {
  it("transpose2d equals tf.transpose, element for element, at sizes off its strip of rows", async () => {
    await noLeak(async () => {
      for (const [s, [R, C]] of [
        [1024, 512],
        [37, 5],
        [1, 9],
        [9, 1],
        [17, 33]
      ].entries()) {
        const x = randomTensor([R, C], 40 + s) as tf.Tensor2D;
        const [ours, theirs] = [transpose2d(x), tf.transpose(x)];
        assert.deepEqual(ours.shape, [C, R]);
        assert.deepEqual(await values(ours), await values(theirs), `${R}×${C}`);
        tf.dispose([x, ours, theirs]);
      }
    });
  });

  it("transposeRows equals tf.transpose for every order that keeps the last axis, and its gradient transposes back", async () => {
    await noLeak(async () => {
      for (const perm of [
        [0, 2, 1, 3],
        [2, 0, 1, 3],
        [1, 0, 2],
        [0, 1, 2, 3]
      ]) {
        const shape = [2, 3, 5, 4].slice(4 - perm.length);
        const x = randomTensor(shape, 7);
        const [ours, theirs] = [transposeRows(x, perm), tf.transpose(x, perm)];
        assert.deepEqual(ours.shape, theirs.shape, `${perm}`);
        assert.deepEqual(await values(ours), await values(theirs), `${perm}`);
        const w = randomTensor(theirs.shape, 8);
        const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(transposeRows(t, perm), w)))([x]);
        const back = tf.transpose(
          w,
          perm.map((_, i) => perm.indexOf(i))
        );
        assert.deepEqual(await values(dx), await values(back), `gradient ${perm}`);
        tf.dispose([x, ours, theirs, w, dx, back]);
      }
    });
  });

  it("splitLast equals tf.split along the last axis, and its gradient puts each part back", async () => {
    await noLeak(async () => {
      const x = randomTensor([2, 5, 9], 70);
      const [ours, theirs] = [splitLast(x, 3), tf.split(x, 3, -1)];
      for (let p = 0; p < 3; p++) assert.deepEqual(await values(ours[p]), await values(theirs[p]), `part ${p}`);
      const w = randomTensor([2, 5, 3], 71);
      const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(splitLast(t, 3)[2], w)))([x]);
      const want = tf.tidy(() => tf.concat([tf.zerosLike(w), tf.zerosLike(w), w], -1));
      assert.deepEqual(await values(dx), await values(want));
      tf.dispose([x, ...ours, ...theirs, w, dx, want]);
    });
  });
});

describe("GELU, softmax and attention on cpu", () => {
  it("gelu on cpu is within 3e-7 of a float64 x·Φ(x) from −9 to 9, and its gradient of Φ(x) + x·φ(x)", async () => {
    const xs = Array.from({length: 721}, (_, i) => -9 + i / 40);
    const [y, dx] = await noLeak(async () => {
      const x = tf.tensor1d(xs);
      const out = tf.tidy(() => [gelu(x), tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)]);
      const read = await readAll(out);
      tf.dispose([x, ...out]);
      return read;
    });
    // float64 Φ from a float64 erf: its Taylor series (|z| ≤ 3) or erfc's asymptotic series
    const erf64 = (z: number) => {
      const a = Math.abs(z);
      if (a <= 3) {
        let [sum, term] = [0, z];
        for (let n = 0; n < 200; n++) [sum, term] = [sum + term / (2 * n + 1), (term * -z * z) / (n + 1)];
        return (2 / Math.sqrt(Math.PI)) * sum;
      }
      let [series, term] = [1, 1];
      for (let k = 1; k < 8; k++) series += term *= -(2 * k - 1) / (2 * a * a);
      return Math.sign(z) * (1 - (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * series);
    };
    const cdf = (x: number) => 0.5 * (1 + erf64(x / Math.SQRT2));
    xs.forEach((x, i) => {
      assert.ok(Math.abs(y[i] - x * cdf(x)) <= 3e-7 * Math.max(1, Math.abs(x)), `gelu(${x}) = ${y[i]}`);
      const want = cdf(x) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
      assert.ok(Math.abs(dx[i] - want) <= 3e-7 * Math.max(1, Math.abs(x)), `gelu'(${x}) = ${dx[i]}`);
    });
    assert.ok(Math.abs(erf(0.5) - erf64(0.5)) < 1e-7);
  });

  it("softmax on cpu and its gradient equal tf.softmax's, rows of masked scores included", async () => {
    const scores = randn(5, 4 * 6 * 6, 3).map((v, i) => (i % 6 > Math.floor(i / 6) % 6 ? -1e9 : v));
    const dy = randn(6, 4 * 6 * 6);
    const run = (f: (x: tf.Tensor) => tf.Tensor) =>
      noLeak(async () => {
        const [x, d] = [tf.tensor(scores, [4, 6, 6]), tf.tensor(dy, [4, 6, 6])];
        const y = f(x);
        const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(f(t), d)))([x]);
        const out = await readAll([y, dx]);
        tf.dispose([x, d, y, dx]);
        return out;
      });
    const [ours, theirs] = [await run(softmax), await run(tf.softmax)];
    assertClose(ours[0], theirs[0], 1e-6, "y");
    assertClose(ours[1], theirs[1], 1e-6, "dx");
    assert.ok(
      ours[0].every((v, i) => (i % 6 > Math.floor(i / 6) % 6 ? v === 0 : v > 0)),
      "masked places are exactly 0"
    );
  });

  it("attention on cpu launches the course's kernels and none of the backend's products, transposes or splits", async () => {
    const config = makeConfig({vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16});
    const params = initParams(config, 3);
    const x = randomTensor([2, 8, 16], 9) as tf.Tensor3D;
    const {kernelNames} = await tf.profile(() => tf.tidy(() => causalSelfAttention(x, params.h[0].attn, config)));
    for (const own of ["TinyGPTMatMulCPU", "TinyGPTSplitLast", "TinyGPTTransposeRows", "TinyGPTSoftmax"])
      assert.ok(kernelNames.includes(own), `${own} not launched: ${kernelNames}`);
    for (const theirs of ["BatchMatMul", "Transpose", "SplitV", "Softmax"])
      assert.ok(!kernelNames.includes(theirs), `${theirs} launched: ${kernelNames}`);
    x.dispose();
    disposeParams(params);
  });
});
