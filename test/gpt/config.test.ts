import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {
  CONFIG_FIELDS,
  ConfigError,
  DEFAULTS,
  makeConfig,
  validateConfig,
  type GPTConfig
} from "../../src/gpt/config.js";
import {COUNT_ONLY, PRESETS, PRESET_NOTES, preset} from "../../src/gpt/presets.js";

const required = {vocabSize: 10, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16};

describe("makeConfig", () => {
  it("makeConfig(required fields) fills the documented defaults", () => {
    const c = makeConfig(required);
    assert.deepEqual(c, {
      ...required,
      dFF: 64,
      dropout: 0,
      positional: "learned",
      activation: "gelu",
      qkvBias: true,
      projBias: true,
      mlpBias: true,
      lnBias: true,
      headBias: false,
      tieWeights: true,
      finalNorm: true,
      norm: "pre",
      layerNormEps: 1e-5
    });
    assert.deepEqual(Object.keys(c), CONFIG_FIELDS);
    assert.ok(Object.isFrozen(c));
  });

  it("makeConfig keeps given fields over the defaults, dFF included", () => {
    const c = makeConfig({...required, dFF: 24, activation: "relu", tieWeights: false, headBias: true});
    assert.equal(c.dFF, 24);
    assert.equal(c.activation, "relu");
    assert.equal(c.headBias, true);
  });

  it("makeConfig throws a ConfigError listing every problem", () => {
    assert.throws(
      () => makeConfig({...required, nEmbd: 60, nHead: 8, nLayer: 0}),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === "nLayer (0) must be a positive integer; nEmbd (60) must be divisible by nHead (8)" &&
        e.problems.length === 2
    );
  });

  it("DEFAULTS and CONFIG_FIELDS describe every field", () => {
    for (const key of Object.keys(DEFAULTS)) assert.ok(CONFIG_FIELDS.includes(key as keyof GPTConfig));
    assert.equal(CONFIG_FIELDS.length, 18);
  });
});

describe("validateConfig", () => {
  const valid = makeConfig(required);
  const problems = (change: Record<string, unknown>) => validateConfig({...valid, ...change});

  it("validateConfig(valid config) is empty", () => assert.deepEqual(validateConfig(valid), []));

  it("validateConfig names the field and the value of each problem", () => {
    assert.deepEqual(problems({nEmbd: 60, nHead: 8}), ["nEmbd (60) must be divisible by nHead (8)"]);
    assert.deepEqual(problems({nLayer: 0}), ["nLayer (0) must be a positive integer"]);
    assert.deepEqual(problems({blockSize: 2.5}), ["blockSize (2.5) must be a positive integer"]);
    assert.deepEqual(problems({activation: "swish"}), [
      'activation ("swish") must be one of "gelu", "gelu_tanh", "relu"'
    ]);
    assert.deepEqual(problems({dropout: 1.5}), ["dropout (1.5) must be in [0, 1)"]);
    assert.deepEqual(problems({dropout: 1}), ["dropout (1) must be in [0, 1)"]);
    assert.deepEqual(problems({headBias: true}), ["headBias requires tieWeights = false"]);
    assert.deepEqual(problems({qkvBias: "yes"}), ['qkvBias ("yes") must be a boolean']);
    assert.deepEqual(problems({norm: "middle"}), ['norm ("middle") must be one of "pre", "post"']);
    assert.deepEqual(problems({layerNormEps: 0}), ["layerNormEps (0) must be in (0, 1)"]);
  });

  it("validateConfig rejects unknown and missing fields", () => {
    assert.deepEqual(problems({nLayers: 3}), ['unknown field "nLayers"']);
    const {vocabSize: _, ...rest} = valid;
    assert.deepEqual(validateConfig(rest), ["vocabSize is missing"]);
  });

  it("validateConfig refuses what is not an object", () => {
    assert.equal(validateConfig(null).length, 1);
    assert.equal(validateConfig([1, 2]).length, 1);
    assert.equal(validateConfig("gpt2").length, 1);
  });

  it("validateConfig allows headBias with an untied head", () => {
    assert.deepEqual(problems({headBias: true, tieWeights: false}), []);
  });
});

describe("presets", () => {
  it("every preset is a valid config with a note", () => {
    for (const [name, config] of Object.entries(PRESETS)) {
      assert.deepEqual(validateConfig(config), [], name);
      assert.ok(PRESET_NOTES[name as keyof typeof PRESETS].length > 0, name);
    }
  });

  it("presets have their published shapes", () => {
    const shape = (c: GPTConfig) => [c.vocabSize, c.blockSize, c.nLayer, c.nHead, c.nEmbd, c.dFF];
    assert.deepEqual(shape(PRESETS.toy), [23, 32, 3, 4, 32, 128]);
    assert.deepEqual(shape(PRESETS.addition), [12, 12, 4, 4, 64, 256]);
    assert.deepEqual(shape(PRESETS["tiny-decoder"]), [40, 32, 2, 4, 32, 64]);
    assert.deepEqual(shape(PRESETS["gpt-notebook"]), [10000, 512, 4, 4, 256, 1024]);
    assert.deepEqual(shape(PRESETS.tinygpt), [65, 512, 4, 4, 256, 1024]);
    assert.deepEqual(shape(PRESETS["shakespeare-char"]), [65, 256, 6, 6, 384, 1536]);
    assert.deepEqual(shape(PRESETS.gpt2), [50257, 1024, 12, 12, 768, 3072]);
    assert.deepEqual(shape(PRESETS["gpt2-xl"]), [50257, 1024, 48, 25, 1600, 6400]);
    // GPT-3's table 2.1: 13B is 40 heads of 128 (the table's width 5140 is not a multiple of 40); XL 16 heads of 128.
    assert.deepEqual(shape(PRESETS["gpt3-small"]), [50257, 2048, 12, 12, 768, 3072]);
    assert.deepEqual(shape(PRESETS["gpt3-xl"]), [50257, 2048, 24, 16, 2048, 8192]);
    assert.deepEqual(shape(PRESETS["gpt3-13b"]), [50257, 2048, 40, 40, 5120, 20480]);
    assert.deepEqual(shape(PRESETS["gpt3-175b"]), [50257, 2048, 96, 96, 12288, 49152]);
    assert.equal(PRESETS["tiny-decoder"].norm, "post");
    assert.equal(PRESETS["tiny-decoder"].finalNorm, false);
    assert.equal(PRESETS.tinygpt.positional, "sinusoidal");
    assert.equal(PRESETS.toy.qkvBias, false);
    assert.equal(PRESETS["shakespeare-char"].lnBias, false);
  });

  it("COUNT_ONLY names the gpt2 and gpt3 families and gpt-notebook", () => {
    const gpt3 = [
      "gpt3-13b",
      "gpt3-175b",
      "gpt3-2.7b",
      "gpt3-6.7b",
      "gpt3-large",
      "gpt3-medium",
      "gpt3-small",
      "gpt3-xl"
    ];
    assert.deepEqual([...COUNT_ONLY].sort(), ["gpt-notebook", "gpt2", "gpt2-large", "gpt2-medium", "gpt2-xl", ...gpt3]);
  });

  it("preset(name, overrides) replaces fields and keeps the MLP ratio for a new width", () => {
    assert.equal(preset("tinygpt"), PRESETS.tinygpt);
    const c = preset("tinygpt", {vocabSize: 80, nEmbd: 128});
    assert.equal(c.vocabSize, 80);
    assert.equal(c.dFF, 512);
    assert.equal(preset("tiny-decoder", {nEmbd: 64}).dFF, 128);
  });

  it("preset(unknown) throws a ConfigError", () => {
    assert.throws(() => preset("gpt5" as never), ConfigError);
  });
});
