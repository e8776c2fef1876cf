import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {block, mlp} from "../../src/gpt/block.js";
import {EVAL} from "../../src/gpt/layers.js";
import {readTensors} from "../../src/gpt/readback.js";
import {assertClose, noLeak, randomTensor, randomise, useCpu} from "../helpers/tf.js";
import {refBlock, type RefBlock} from "../helpers/reference.js";
import {assertGradients, project} from "../helpers/gradcheck.js";

before(useCpu);

const configs: GPTConfig[] = [
  makeConfig({vocabSize: 5, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, dFF: 12, activation: "gelu_tanh"}),
  makeConfig({vocabSize: 5, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, dFF: 12, activation: "relu", norm: "post"}),
  makeConfig({
    ...{vocabSize: 5, blockSize: 8, nLayer: 1, nHead: 4, nEmbd: 8, dFF: 16, activation: "relu"},
    lnBias: false,
    mlpBias: false
  })
];
const describeConfig = (c: GPTConfig) => `${c.norm}-norm, ${c.activation}${c.lnBias ? "" : ", no biases"}`;

function params(config: GPTConfig, seed: number): Params {
  const p = initParams(config, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.4));
  return p;
}

describe("block", () => {
  for (const config of configs) {
    it(`block(x) (${describeConfig(config)}) matches a float64 reference block`, async () => {
      const p = params(config, 1);
      const ref = (await readTensors(p.h[0])) as RefBlock;
      await noLeak(async () => {
        const x = randomTensor([2, 5, 8], 2) as tf.Tensor3D;
        const y = tf.tidy(() => block(x, p.h[0], config));
        assert.deepEqual(y.shape, [2, 5, 8]);
        const xs = (await x.array()) as number[][][];
        const ys = (await y.array()) as number[][][];
        const cfg = {...config, activation: config.activation as "relu" | "gelu_tanh"};
        xs.forEach((seq, b) => assertClose(ys[b], refBlock(seq, ref, cfg), 1e-4, `batch ${b}`));
        tf.dispose([x, y]);
      });
      disposeParams(p);
    });
  }

  // Smooth activations only: a relu kink inside a finite-difference step breaks the comparison (relu's own
  // gradient is checked in layers.test.ts).
  for (const config of [
    makeConfig({...configs[0], activation: "gelu"}),
    makeConfig({...configs[1], activation: "gelu_tanh"}),
    makeConfig({...configs[2], activation: "gelu"})
  ]) {
    it(`block (${describeConfig(config)}) gradients with respect to x and every weight match finite differences`, async () => {
      const p = params(config, 3);
      const x = tf.variable(randomTensor([1, 4, 8], 4));
      const vars = [
        x,
        ...namedParams(p)
          .filter(({name}) => name.includes(".h.0."))
          .map(({variable}) => variable)
      ];
      assert.equal(vars.length, config.lnBias ? 13 : 9);
      await noLeak(() => assertGradients(() => project(block(x as unknown as tf.Tensor3D, p.h[0], config)), vars));
      x.dispose();
      disposeParams(p);
    });
  }

  it("block records ln1, resid1, ln2, resid2, out and its sublayers' names; post-norm's out is ln2", async () => {
    for (const config of configs.slice(0, 2)) {
      const p = params(config, 5);
      await noLeak(() => {
        const x = randomTensor([1, 3, 8], 6) as tf.Tensor3D;
        const recorded: Record<string, tf.Tensor> = {};
        const y = tf.tidy(() => block(x, p.h[0], config, {...EVAL, record: (n, t) => (recorded[n] = tf.keep(t))}));
        assert.deepEqual(Object.keys(recorded).sort(), [
          ...["att", "attnOut", "heads", "k", "ln1", "ln2", "masked", "mlpAct", "mlpHidden", "mlpOut"],
          ...["out", "q", "resid1", "resid2", "scores", "v"]
        ]);
        assert.equal(recorded.out, config.norm === "pre" ? recorded.resid2 : recorded.ln2);
        assert.deepEqual(recorded.mlpHidden.shape, [1, 3, config.dFF]);
        assert.deepEqual(y.arraySync(), recorded.out.arraySync());
        tf.dispose([x, y, ...Object.values(recorded)]);
      });
      disposeParams(p);
    }
  });
});

describe("mlp", () => {
  it("mlp(x) is c_proj(activation(c_fc(x))): (B, T, C) → (B, T, dFF) → (B, T, C)", async () => {
    const config = configs[1];
    const p = params(config, 7);
    const ref = (await readTensors(p.h[0])) as RefBlock;
    await noLeak(async () => {
      const x = randomTensor([1, 3, 8], 8) as tf.Tensor3D;
      const y = tf.tidy(() => mlp(x, p.h[0].mlp, config));
      const xs = ((await x.array()) as number[][][])[0];
      const hidden = xs.map((row) =>
        ref.mlp.cFc.weight[0].map((_, j) =>
          row.reduce((s, v, i) => s + v * ref.mlp.cFc.weight[i][j], ref.mlp.cFc.bias![j])
        )
      );
      const expected = hidden.map((row) =>
        ref.mlp.cProj.weight[0].map((_, j) =>
          row.reduce((s, v, i) => s + Math.max(0, v) * ref.mlp.cProj.weight[i][j], ref.mlp.cProj.bias![j])
        )
      );
      assertClose(((await y.array()) as number[][][])[0], expected, 1e-5);
      tf.dispose([x, y]);
    });
    disposeParams(p);
  });
});
