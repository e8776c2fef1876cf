import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {forward} from "../../src/gpt/model.js";
import {IGNORE_INDEX, crossEntropy} from "../../src/gpt/loss.js";
import {layerNorm} from "../../src/gpt/layers.js";
import {noLeak, randomIds, randomTensor, randomise, useCpu} from "../helpers/tf.js";
import {assertGradients, gradCheck, project} from "../helpers/gradcheck.js";

before(useCpu);

/** x³ whose registered gradient is scale · 3x² (scale 1 is right). */
const cube = (scale: number) =>
  tf.customGrad((x, save) => {
    const t = x as tf.Tensor;
    (save as tf.GradSaveFunc)([t]);
    return {
      value: tf.mul(tf.square(t), t),
      gradFunc: (dy, [saved]) => tf.mul(dy, tf.mul(tf.square(saved), 3 * scale))
    };
  });

/** The identity whose gradient is dropped (a forgotten term). */
const detach = tf.customGrad((x) => ({value: tf.clone(x as tf.Tensor), gradFunc: (dy) => tf.zerosLike(dy)}));

describe("gradCheck (the checker itself)", () => {
  it("gradCheck accepts a correct gradient and rejects one that is 10% off", async () => {
    const x = tf.variable(randomTensor([3, 4], 1));
    await noLeak(() => {
      assert.ok(gradCheck(() => project(cube(1)(x)), [x]).every((c) => c.ok));
      const wrong = gradCheck(() => project(cube(1.1)(x)), [x]);
      assert.ok(wrong.some((c) => !c.ok));
      assert.throws(() => assertGradients(() => project(cube(1.1)(x)), [x]), /gradient check failed/);
    });
    x.dispose();
  });

  it("gradCheck rejects a layerNorm that forgets the gradient through its variance", async () => {
    const x = tf.variable(randomTensor([2, 6], 2, 2));
    const p = {weight: tf.variable(tf.ones([6])), bias: null};
    const forgetful = (t: tf.Tensor) => {
      const {mean, variance} = tf.moments(t, -1, true);
      return tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(detach(variance), 1e-5)));
    };
    await noLeak(() => {
      assert.ok(gradCheck(() => project(layerNorm(x, p, 1e-5)), [x]).every((c) => c.ok));
      assert.throws(() => assertGradients(() => project(forgetful(x)), [x]), /gradient check failed/);
    });
    tf.dispose([x, p.weight]);
  });

  it("gradCheck rejects a zero gradient for a variable the function depends on", async () => {
    const x = tf.variable(randomTensor([5], 3));
    await noLeak(() => {
      assert.throws(() => assertGradients(() => project(tf.add(detach(x), tf.sum(x))), [x]), /gradient check failed/);
    });
    x.dispose();
  });
});

describe("model gradients", () => {
  const small = {vocabSize: 7, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8, dFF: 16};
  const configs: [string, GPTConfig][] = [
    ["pre-norm, tied, learned positions, gelu", makeConfig({...small})],
    [
      "post-norm, untied head with bias, no final norm, sinusoidal, gelu_tanh, no qkv bias",
      makeConfig({
        ...{...small, norm: "post", tieWeights: false, headBias: true, finalNorm: false},
        ...{positional: "sinusoidal", activation: "gelu_tanh", qkvBias: false}
      })
    ]
  ];
  for (const [name, config] of configs) {
    it(`crossEntropy(forward(params, idx)) gradients for every weight match finite differences (${name})`, async () => {
      const params = initParams(config, 1);
      const named = namedParams(params);
      named.forEach(({variable}, i) => randomise(variable, 50 + i, 0.3));
      const idx = randomIds([2, 5], config.vocabSize, 2);
      const targets = tf.tensor2d(
        [
          [1, 2, 3, 4, IGNORE_INDEX],
          [IGNORE_INDEX, 6, 0, 5, 2]
        ],
        [2, 5],
        "int32"
      );
      await noLeak(() => {
        const checks = assertGradients(
          () => crossEntropy(forward(params, idx, {checkIds: false}), targets),
          named.map(({variable}) => variable)
        );
        assert.equal(checks.length, 2 * named.length); // every weight has a non-zero gradient, checked both ways
      });
      tf.dispose([idx, targets]);
      disposeParams(params);
    });
  }
});
