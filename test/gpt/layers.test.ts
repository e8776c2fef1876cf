import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {initParams, disposeParams, type LinearParams} from "../../src/gpt/params.js";
import {
  ACTIVATIONS,
  embed,
  gelu,
  geluTanh,
  layerNorm,
  linear,
  makeDropout,
  matMul2d,
  relu,
  sinusoidalPositions
} from "../../src/gpt/layers.js";
import {assertClose, noLeak, randn, randomIds, randomTensor, useCpu} from "../helpers/tf.js";
import {refActivations, refLayerNorm, refLinear, type Mat} from "../helpers/reference.js";
import {assertGradients, project} from "../helpers/gradcheck.js";

before(useCpu);

const variable = (shape: number[], seed: number, std = 1) => tf.variable(randomTensor(shape, seed, std));
const linearParams = (nIn: number, nOut: number, bias: boolean, seed: number): LinearParams => ({
  weight: variable([nIn, nOut], seed, 0.5),
  bias: bias ? variable([nOut], seed + 1, 0.5) : null
});
const disposeLinear = (p: LinearParams) => tf.dispose([p.weight, ...(p.bias ? [p.bias] : [])]);
const rows = (t: tf.Tensor): Mat => tf.tidy(() => tf.reshape(t, [-1, t.shape[t.rank - 1]]).arraySync() as Mat);

describe("matMul2d", () => {
  it("matMul2d(a, b) and its gradients equal tf.matMul's (which uses transposed matmuls)", async () => {
    const [a, b] = [randomTensor([3, 4], 21), randomTensor([4, 5], 22)];
    await noLeak(() => {
      const f = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) =>
        project(mm(x as tf.Tensor2D, y as tf.Tensor2D));
      const [ours, theirs] = [tf.grads(f(matMul2d))([a, b]), tf.grads(f((x, y) => tf.matMul(x, y)))([a, b])];
      const [y1, y2] = [matMul2d(a as tf.Tensor2D, b as tf.Tensor2D), tf.matMul(a, b)];
      assert.deepEqual(y1.arraySync(), y2.arraySync());
      ours.forEach((g, i) => assertClose(g.arraySync() as Mat, theirs[i].arraySync() as Mat, 1e-6));
      tf.dispose([...ours, ...theirs, y1, y2]);
    });
    tf.dispose([a, b]);
  });
});

describe("linear", () => {
  for (const bias of [true, false]) {
    it(`linear(x, p) is x @ W${bias ? " + b" : ""} over the last axis, keeping leading dims`, async () => {
      const p = linearParams(4, 5, bias, 1);
      await noLeak(() => {
        const x = randomTensor([2, 3, 4], 2);
        const y = tf.tidy(() => linear(x, p));
        assert.deepEqual(y.shape, [2, 3, 5]);
        const expected = refLinear(rows(x), {
          weight: p.weight.arraySync() as Mat,
          bias: bias ? (p.bias!.arraySync() as number[]) : null
        });
        assertClose(rows(y), expected, 1e-5);
        tf.dispose([x, y]);
      });
      disposeLinear(p);
    });
  }

  it("linear's gradients with respect to x, W and b match finite differences", async () => {
    const p = linearParams(4, 3, true, 3);
    const x = variable([2, 3, 4], 4);
    await noLeak(() => assertGradients(() => project(linear(x, p)), [x, p.weight, p.bias!]));
    tf.dispose([x]);
    disposeLinear(p);
  });
});

describe("layerNorm", () => {
  const ln = (C: number, bias: boolean, seed: number) => ({
    weight: variable([C], seed, 0.5),
    bias: bias ? variable([C], seed + 1, 0.5) : null
  });

  it("layerNorm uses the biased variance: [1, 2, 3, 4] becomes (x - 2.5) / √1.25", async () => {
    const p = {weight: tf.variable(tf.ones([4])), bias: null};
    await noLeak(() => {
      const x = tf.tensor2d([[1, 2, 3, 4]]);
      const y = tf.tidy(() => layerNorm(x, p, 0));
      assertClose(y.arraySync() as Mat, [[-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25))], 1e-6);
      tf.dispose([x, y]);
    });
    p.weight.dispose();
  });

  it("layerNorm(x) matches a float64 reference, with and without bias", async () => {
    for (const bias of [true, false]) {
      const p = ln(6, bias, 5);
      await noLeak(() => {
        const x = randomTensor([2, 3, 6], 6, 3);
        const y = tf.tidy(() => layerNorm(x, p, 1e-5));
        const ref = {weight: p.weight.arraySync() as number[], bias: p.bias ? (p.bias.arraySync() as number[]) : null};
        assertClose(rows(y), refLayerNorm(rows(x), ref, 1e-5), 1e-5);
        tf.dispose([x, y]);
      });
      tf.dispose([p.weight, ...(p.bias ? [p.bias] : [])]);
    }
  });

  it("layerNorm's gradients with respect to x, weight and bias match finite differences", async () => {
    const p = ln(5, true, 7);
    const x = variable([2, 3, 5], 8);
    await noLeak(() => assertGradients(() => project(layerNorm(x, p, 1e-5)), [x, p.weight, p.bias!]));
    tf.dispose([x, p.weight, p.bias!]);
  });
});

describe("activations", () => {
  it("gelu(x) = x·Φ(x) at tabulated points of the standard normal CDF", async () => {
    // Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208, Φ(-1) = 1 - Φ(1), Φ(0.5) = 0.6914624612740131
    const xs = [0, 1, -1, 2, 0.5];
    const expected = [
      0,
      0.8413447460685429,
      -(1 - 0.8413447460685429),
      2 * 0.9772498680518208,
      0.5 * 0.6914624612740131
    ];
    await noLeak(() => {
      const y = tf.tidy(() => gelu(tf.tensor1d(xs)));
      assertClose(y.arraySync() as number[], expected, 2e-6);
      y.dispose();
    });
  });

  it("geluTanh(x) follows GPT-2's tanh formula and stays within 1e-3 of gelu on [-4, 4]", async () => {
    const xs = Array.from({length: 81}, (_, i) => -4 + i / 10);
    await noLeak(() => {
      const [approx, exact] = tf.tidy(() => [geluTanh(tf.tensor1d(xs)), gelu(tf.tensor1d(xs))]);
      assertClose(approx.arraySync() as number[], xs.map(refActivations.gelu_tanh), 1e-5);
      assertClose(approx.arraySync() as number[], exact.arraySync() as number[], 1e-3);
      tf.dispose([approx, exact]);
    });
  });

  it("relu(x) = max(0, x) and ACTIVATIONS maps each config name to its function", async () => {
    assert.deepEqual(ACTIVATIONS, {gelu, gelu_tanh: geluTanh, relu});
    await noLeak(() => {
      const y = tf.tidy(() => relu(tf.tensor1d([-2, 0, 3])));
      assert.deepEqual(y.arraySync(), [0, 0, 3]);
      y.dispose();
    });
  });

  for (const [name, fn] of Object.entries(ACTIVATIONS)) {
    it(`${name}'s gradient matches finite differences`, async () => {
      // Away from 0 so relu's kink is never straddled by a step.
      const values = randn(9, 12, 1.5).map((v) => (Math.abs(v) < 0.2 ? v + Math.sign(v || 1) * 0.3 : v));
      const x = tf.variable(tf.tensor2d(values, [3, 4]));
      await noLeak(() => assertGradients(() => project(fn(x)), [x], {eps: 1e-3}));
      x.dispose();
    });
  }
});

describe("sinusoidalPositions", () => {
  it("sinusoidalPositions(T, C) has sin at even and cos at odd columns with wavelengths 10000^(2i/C)", async () => {
    await noLeak(() => {
      const pe = sinusoidalPositions(5, 4);
      const v = pe.arraySync() as Mat;
      assert.deepEqual(pe.shape, [5, 4]);
      assert.deepEqual(v[0], [0, 1, 0, 1]); // position 0: sin 0, cos 0
      assertClose(v[1], [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)], 1e-7); // 10000^(2/4) = 100
      assertClose(v[3], [Math.sin(3), Math.cos(3), Math.sin(0.03), Math.cos(0.03)], 1e-7);
      pe.dispose();
    });
  });
});

describe("embed", () => {
  it("embed(params, idx) adds wte rows of the ids to the wpe rows of the positions", async () => {
    const params = initParams(makeConfig({vocabSize: 7, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 4}), 1);
    await noLeak(() => {
      const idx = tf.tensor2d(
        [
          [3, 0, 6],
          [1, 1, 2]
        ],
        [2, 3],
        "int32"
      );
      const x = tf.tidy(() => embed(params, idx));
      const wte = params.wte.arraySync() as Mat;
      const wpe = params.wpe!.arraySync() as Mat;
      const expected = [
        [3, 0, 6],
        [1, 1, 2]
      ].map((seq) => seq.map((id, t) => wte[id].map((w, c) => w + wpe[t][c])));
      assertClose(x.arraySync() as number[][][], expected, 1e-7);
      tf.dispose([idx, x]);
    });
    disposeParams(params);
  });

  it("embed with sinusoidal positions adds sinusoidalPositions(T, C)", async () => {
    const params = initParams(
      makeConfig({vocabSize: 5, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 6, positional: "sinusoidal"}),
      2
    );
    await noLeak(() => {
      const idx = randomIds([1, 4], 5, 3);
      const [x, expected] = tf.tidy(() => [
        embed(params, idx),
        tf.add(tf.gather(params.wte, idx), sinusoidalPositions(4, 6))
      ]);
      assertClose(x.arraySync() as number[][][], expected.arraySync() as number[][][], 1e-7);
      tf.dispose([idx, x, expected]);
    });
    disposeParams(params);
  });
});

describe("makeDropout", () => {
  it("makeDropout is the identity when not training or when rate is 0", async () => {
    const x = tf.ones([4, 4]);
    await noLeak(() => {
      assert.equal(makeDropout(0.5, false, 1)(x), x);
      assert.equal(makeDropout(0, true, 1)(x), x);
    });
    x.dispose();
  });

  it("makeDropout(rate, true, seed) zeroes about rate of the values, scales the rest by 1/(1-rate), and replays per seed", async () => {
    const x = tf.ones([100, 100]);
    await noLeak(() => {
      const [a1, a2] = tf.tidy(() => {
        const drop = makeDropout(0.3, true, 42);
        return [drop(x), drop(x)];
      });
      const [b1, b2] = tf.tidy(() => {
        const drop = makeDropout(0.3, true, 42);
        return [drop(x), drop(x)];
      });
      const c1 = tf.tidy(() => makeDropout(0.3, true, 43)(x));
      const values = Array.from(a1.dataSync());
      assert.ok(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
      const dropped = values.filter((v) => v === 0).length / values.length;
      assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
      assert.deepEqual(b1.dataSync(), a1.dataSync());
      assert.deepEqual(b2.dataSync(), a2.dataSync());
      assert.notDeepEqual(a2.dataSync(), a1.dataSync()); // each call draws a new mask
      assert.notDeepEqual(c1.dataSync(), a1.dataSync()); // another seed, other masks
      tf.dispose([a1, a2, b1, b2, c1]);
    });
    x.dispose();
  });
});
