import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {preset} from "../../src/gpt/presets.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {forward} from "../../src/gpt/model.js";
import {IGNORE_INDEX, crossEntropy, perPositionLoss} from "../../src/gpt/loss.js";
import {assertClose, noLeak, randomIds, randomTensor, useCpu} from "../helpers/tf.js";

before(useCpu);

const targetRows = [
  [2, IGNORE_INDEX, 4],
  [0, 1, IGNORE_INDEX]
];

/** -log softmax(row)[target] in float64. */
const refNll = (row: number[], target: number) => {
  const max = Math.max(...row);
  return Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max - row[target];
};

describe("crossEntropy", () => {
  it("crossEntropy is the mean of -log softmax(logits)[target] over supervised positions only", async () => {
    await noLeak(async () => {
      const logits = randomTensor([2, 3, 5], 1, 3) as tf.Tensor3D;
      const targets = tf.tensor2d(targetRows, [2, 3], "int32");
      const loss = crossEntropy(logits, targets);
      const rows = (await logits.array()) as number[][][];
      const terms = targetRows.flatMap((ts, b) =>
        ts.flatMap((y, t) => (y === IGNORE_INDEX ? [] : [refNll(rows[b][t], y)]))
      );
      assert.deepEqual(loss.shape, []);
      assertClose(await loss.array(), terms.reduce((a, b) => a + b) / terms.length, 1e-5);
      tf.dispose([logits, targets, loss]);
    });
  });

  it("crossEntropy of uniform logits is ln V", async () => {
    await noLeak(async () => {
      const logits = tf.zeros([2, 4, 7]) as tf.Tensor3D;
      const targets = randomIds([2, 4], 7, 2);
      const loss = crossEntropy(logits, targets);
      assertClose(await loss.array(), Math.log(7), 1e-6);
      tf.dispose([logits, targets, loss]);
    });
  });

  it("crossEntropy stays finite for huge logits (log-softmax, not log of softmax)", async () => {
    await noLeak(async () => {
      const logits = tf.tensor3d([[[1000, 0, -1000]]]);
      const targets = tf.tensor2d([[1]], [1, 1], "int32");
      const loss = crossEntropy(logits, targets);
      assertClose(await loss.array(), 1000, 1e-3);
      tf.dispose([logits, targets, loss]);
    });
  });

  it("crossEntropy's gradient is (softmax - onehot) / N at supervised positions and 0 at ignored ones", async () => {
    await noLeak(async () => {
      const logits = randomTensor([2, 3, 5], 3, 2) as tf.Tensor3D;
      const targets = tf.tensor2d(targetRows, [2, 3], "int32");
      const grad = tf.grad((l: tf.Tensor) => crossEntropy(l as tf.Tensor3D, targets))(logits);
      const rows = (await logits.array()) as number[][][];
      const expected = rows.map((seq, b) =>
        seq.map((row, t) => {
          const y = targetRows[b][t];
          if (y === IGNORE_INDEX) return row.map(() => 0);
          const z = row.reduce((s, v) => s + Math.exp(v), 0);
          return row.map((v, j) => (Math.exp(v) / z - (j === y ? 1 : 0)) / 4);
        })
      );
      assertClose((await grad.array()) as number[][][], expected, 1e-6);
      tf.dispose([logits, targets, grad]);
    });
  });

  it("crossEntropy throws when every target is ignored, and for targets outside [0, V) or of the wrong shape or dtype", async () => {
    await noLeak(() => {
      const logits = tf.zeros([1, 2, 4]) as tf.Tensor3D;
      const cases: [tf.Tensor2D, RegExp][] = [
        [tf.tensor2d([[IGNORE_INDEX, IGNORE_INDEX]], [1, 2], "int32"), /every target is ignoreIndex/],
        [tf.tensor2d([[0, 4]], [1, 2], "int32"), /target 4 is outside \[0, V = 4\)/],
        [tf.tensor2d([[-1, 0]], [1, 2], "int32"), /target -1 is outside/],
        [tf.tensor2d([[0, 1]], [1, 2], "float32"), /must be int32/],
        [tf.tensor2d([[0, 1, 2]], [1, 3], "int32"), /targets \(B, T\)/]
      ];
      for (const [targets, message] of cases) assert.throws(() => crossEntropy(logits, targets), message);
      tf.dispose([logits, ...cases.map(([t]) => t)]);
    });
  });

  for (const [name, config] of [
    ["the addition preset", preset("addition")],
    ["a character config (V = 65)", makeConfig({vocabSize: 65, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64})]
  ] as const) {
    it(`crossEntropy of a freshly initialised model (${name}) is within 0.1 of ln(vocabSize)`, async () => {
      const params = initParams(config, 0);
      await noLeak(async () => {
        const idx = randomIds([8, config.blockSize], config.vocabSize, 1);
        const targets = randomIds([8, config.blockSize], config.vocabSize, 2);
        const loss = tf.tidy(() => crossEntropy(forward(params, idx), targets));
        const value = await loss.array();
        assert.ok(
          Math.abs(value - Math.log(config.vocabSize)) < 0.1,
          `loss ${value}, ln V ${Math.log(config.vocabSize)}`
        );
        tf.dispose([idx, targets, loss]);
      });
      disposeParams(params);
    });
  }
});

describe("perPositionLoss", () => {
  it("perPositionLoss is -log p(target) per position and exactly 0 where the target is ignored", async () => {
    await noLeak(async () => {
      const logits = randomTensor([2, 3, 5], 4, 3) as tf.Tensor3D;
      const targets = tf.tensor2d(targetRows, [2, 3], "int32");
      const losses = perPositionLoss(logits, targets);
      const rows = (await logits.array()) as number[][][];
      const values = (await losses.array()) as number[][];
      assert.deepEqual(losses.shape, [2, 3]);
      targetRows.forEach((ts, b) =>
        ts.forEach((y, t) => {
          if (y === IGNORE_INDEX) assert.equal(values[b][t], 0);
          else assertClose(values[b][t], refNll(rows[b][t], y), 1e-5);
        })
      );
      tf.dispose([logits, targets, losses]);
    });
  });

  it("perPositionLoss honours an ignoreIndex inside the vocabulary (a padding id)", async () => {
    await noLeak(async () => {
      const logits = randomTensor([1, 3, 4], 5) as tf.Tensor3D;
      const targets = tf.tensor2d([[0, 2, 0]], [1, 3], "int32");
      const losses = perPositionLoss(logits, targets, 0);
      const values = ((await losses.array()) as number[][])[0];
      assert.equal(values[0], 0);
      assert.equal(values[2], 0);
      assert.ok(values[1] > 0);
      tf.dispose([logits, targets, losses]);
    });
  });
});
