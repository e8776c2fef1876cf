import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {COUNT_ONLY, PRESETS, type PresetName} from "../../src/gpt/presets.js";
import {disposeParams, initParams, namedParams, paramSpecs, type Params} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {seededNormal} from "../../src/gpt/random.js";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

/** Runs fn on freshly initialised params, disposes them, and checks that no tensor is left behind. */
function withParams<R>(config: GPTConfig, seed: number, fn: (p: Params) => R): R {
  const before = tf.memory().numTensors;
  const params = initParams(config, seed);
  try {
    return fn(params);
  } finally {
    disposeParams(params);
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  }
}

const std = (x: Float32Array) => {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
};

const tiny = {vocabSize: 11, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8};
const EDGE_CONFIGS: Record<string, GPTConfig> = {
  "untied, no biases": makeConfig({
    ...tiny,
    tieWeights: false,
    qkvBias: false,
    projBias: false,
    mlpBias: false,
    lnBias: false
  }),
  "post-norm without ln_f": makeConfig({...tiny, norm: "post", finalNorm: false}),
  sinusoidal: makeConfig({...tiny, positional: "sinusoidal", dFF: 20}),
  "untied with head bias": makeConfig({...tiny, tieWeights: false, headBias: true, nLayer: 1})
};

describe("countParams", () => {
  it("countParams matches the published totals", () => {
    assert.equal(countParams(PRESETS.addition).excludingPositions, 200_832);
    assert.equal(countParams(PRESETS.addition).total, 201_600);
    assert.equal(countParams(PRESETS["tiny-decoder"]).total, 20_712);
    assert.equal(countParams(PRESETS["gpt-notebook"]).total, 5_846_528);
    assert.equal(countParams(PRESETS.gpt2).total, 124_439_808);
    assert.equal(countParams(PRESETS["gpt2-medium"]).total, 354_823_168);
    assert.equal(countParams(PRESETS["gpt2-large"]).total, 774_030_080);
    assert.equal(countParams(PRESETS["gpt2-xl"]).total, 1_557_611_200);
    // GPT-3's paper gives rounded totals: 125M, …, 175B.
    assert.equal(countParams(PRESETS["gpt3-small"]).total, 125_226_240);
    assert.equal(countParams(PRESETS["gpt3-175b"]).total, 174_604_259_328);
    // nanoGPT prints "number of parameters: 10.65M" for shakespeare-char, positions excluded.
    assert.equal((countParams(PRESETS["shakespeare-char"]).excludingPositions / 1e6).toFixed(2), "10.65");
  });

  it("countParams(c).breakdown sums to the total and the blocks to nLayer × perBlock", () => {
    for (const config of [...Object.values(PRESETS), ...Object.values(EDGE_CONFIGS)]) {
      const {total, excludingPositions, breakdown: b} = countParams(config);
      assert.equal(b.tokenEmbedding + b.positionEmbedding + b.attention + b.mlp + b.layerNorms + b.head, total);
      assert.equal(total - b.positionEmbedding, excludingPositions);
      assert.equal(b.perBlock.attention + b.perBlock.mlp + b.perBlock.layerNorms, b.perBlock.total);
      assert.equal(b.attention, config.nLayer * b.perBlock.attention);
      assert.equal(b.mlp, config.nLayer * b.perBlock.mlp);
    }
  });

  it("countParams counts no weights for sinusoidal positions or a tied head", () => {
    assert.equal(countParams(PRESETS.tinygpt).breakdown.positionEmbedding, 0);
    assert.equal(countParams(PRESETS.tinygpt).breakdown.head, 0);
  });

  it("countParams(c).total equals the size of initParams(c) for every buildable preset and edge config", () => {
    const buildable = (Object.keys(PRESETS) as PresetName[]).filter((name) => !COUNT_ONLY.has(name));
    assert.deepEqual(buildable, ["toy", "addition", "tiny-decoder", "tinygpt", "shakespeare-char"]);
    const configs = {...Object.fromEntries(buildable.map((name) => [name, PRESETS[name]])), ...EDGE_CONFIGS};
    for (const [name, config] of Object.entries(configs)) {
      const size = withParams(config, 0, (p) => namedParams(p).reduce((s, {variable}) => s + variable.size, 0));
      assert.equal(size, countParams(config).total, name);
    }
  });
});

describe("initParams", () => {
  it("initParams lays weights out (in, out) and namedParams gives nanoGPT names", () => {
    withParams(PRESETS["tiny-decoder"], 1, (p) => {
      const shapes = Object.fromEntries(namedParams(p).map(({name, variable}) => [name, variable.shape]));
      assert.deepEqual(Object.keys(shapes).slice(0, 14), [
        "transformer.wte.weight",
        "transformer.wpe.weight",
        "transformer.h.0.ln_1.weight",
        "transformer.h.0.ln_1.bias",
        "transformer.h.0.attn.c_attn.weight",
        "transformer.h.0.attn.c_attn.bias",
        "transformer.h.0.attn.c_proj.weight",
        "transformer.h.0.attn.c_proj.bias",
        "transformer.h.0.ln_2.weight",
        "transformer.h.0.ln_2.bias",
        "transformer.h.0.mlp.c_fc.weight",
        "transformer.h.0.mlp.c_fc.bias",
        "transformer.h.0.mlp.c_proj.weight",
        "transformer.h.0.mlp.c_proj.bias"
      ]);
      assert.deepEqual(shapes["transformer.wte.weight"], [40, 32]);
      assert.deepEqual(shapes["transformer.h.1.attn.c_attn.weight"], [32, 96]);
      assert.deepEqual(shapes["transformer.h.1.mlp.c_fc.weight"], [32, 64]);
      assert.deepEqual(shapes["transformer.h.1.mlp.c_proj.weight"], [64, 32]);
      assert.deepEqual(shapes["lm_head.weight"], [32, 40]);
      assert.deepEqual(shapes["lm_head.bias"], [40]);
      assert.equal(shapes["transformer.ln_f.weight"], undefined);
      const transposed = namedParams(p)
        .filter((n) => n.transposed)
        .map((n) => n.name);
      assert.ok(transposed.every((name) => /(c_attn|c_proj|c_fc|lm_head)\.weight$/.test(name)));
      assert.equal(transposed.length, 2 * 4 + 1);
    });
  });

  it("namedParams(initParams(c)) follows paramSpecs(c): names, shapes, transposition", () => {
    for (const config of [PRESETS.toy, ...Object.values(EDGE_CONFIGS)]) {
      withParams(config, 2, (p) => {
        const named = namedParams(p).map(({name, variable, transposed}) => ({name, shape: variable.shape, transposed}));
        assert.deepEqual(
          named,
          paramSpecs(config).map(({name, shape, transposed}) => ({name, shape, transposed}))
        );
      });
    }
  });

  it("initParams leaves out what the config turns off", () => {
    withParams(EDGE_CONFIGS["untied, no biases"], 1, (p) => {
      assert.ok(namedParams(p).every(({name}) => !name.endsWith(".bias")));
      assert.ok(p.lmHead && p.lmHead.bias === null);
    });
    withParams(PRESETS.tinygpt, 1, (p) => assert.ok(p.wpe === null && p.lmHead === null && p.lnF !== null));
  });

  it("initParams with the same seed gives identical weights, with another seed different ones", () => {
    const values = (seed: number) =>
      withParams(PRESETS.toy, seed, (p) => namedParams(p).map((n) => n.variable.dataSync()));
    const [a, b, c] = [values(7), values(7), values(8)];
    a.forEach((x, i) => assert.deepEqual(x, b[i]));
    assert.notDeepEqual(a[0], c[0]);
  });

  it("initParams draws each tensor from its own stream", () => {
    withParams(PRESETS.addition, 3, (p) => {
      const [q, k] = [p.h[0].attn.cProj.weight.dataSync(), p.h[1].attn.cProj.weight.dataSync()];
      assert.notDeepEqual(q, k);
    });
  });

  it("initParams gives the same bits on the wasm backend", async () => {
    const cpu = withParams(PRESETS.toy, 5, (p) => namedParams(p).map((n) => n.variable.dataSync()));
    await tf.setBackend("wasm");
    await tf.ready();
    try {
      const wasm = withParams(PRESETS.toy, 5, (p) => namedParams(p).map((n) => n.variable.dataSync()));
      cpu.forEach((x, i) => assert.deepEqual(x, wasm[i]));
    } finally {
      await tf.setBackend("cpu");
    }
  });

  it("initParams follows nanoGPT: std 0.02, residual projections 0.02/√(2·nLayer), zero biases, unit gains", () => {
    withParams(PRESETS.addition, 11, (p) => {
      const projStd = 0.02 / Math.sqrt(2 * 4);
      assert.ok(Math.abs(std(p.h[0].attn.cAttn.weight.dataSync() as Float32Array) / 0.02 - 1) < 0.03);
      assert.ok(Math.abs(std(p.wte.dataSync() as Float32Array) / 0.02 - 1) < 0.1);
      assert.ok(Math.abs(std(p.h[2].mlp.cFc.weight.dataSync() as Float32Array) / 0.02 - 1) < 0.03);
      assert.ok(Math.abs(std(p.h[0].attn.cProj.weight.dataSync() as Float32Array) / projStd - 1) < 0.05);
      assert.ok(Math.abs(std(p.h[3].mlp.cProj.weight.dataSync() as Float32Array) / projStd - 1) < 0.03);
      assert.ok(p.h[1].mlp.cFc.bias!.dataSync().every((v) => v === 0));
      assert.ok(p.h[1].ln2.weight.dataSync().every((v) => v === 1));
      assert.ok(p.lnF!.bias!.dataSync().every((v) => v === 0));
    });
  });

  it("initParams refuses a seed that is not an integer", () => {
    assert.throws(() => initParams(PRESETS.toy, 1.5), /seed \(1\.5\) must be an integer/);
  });
});

describe("seededNormal", () => {
  it("seededNormal has mean ≈ 0 and the requested std", () => {
    const x = seededNormal(42, "test", 100_001, 2);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    assert.ok(Math.abs(mean) < 0.03);
    assert.ok(Math.abs(std(x) / 2 - 1) < 0.01);
    assert.equal(x.length, 100_001);
    assert.ok(x.every(Number.isFinite));
  });

  it("seededNormal streams differ by name and by the seed's high bits", () => {
    assert.notDeepEqual(seededNormal(1, "a", 4, 1), seededNormal(1, "b", 4, 1));
    assert.notDeepEqual(seededNormal(1, "a", 4, 1), seededNormal(1 + 2 ** 32, "a", 4, 1));
  });
});
