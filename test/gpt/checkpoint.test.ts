import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {PRESETS} from "../../src/gpt/presets.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {CharTokenizer, trainBpe, type Tokenizer} from "../../src/gpt/tokenizer.js";
import {CheckpointError, loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {decodeSafetensors, encodeSafetensors} from "../../src/gpt/safetensors.js";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const toyTokenizer = CharTokenizer.fromText("abcdefghijklmnopqrstuv", {unk: true}); // 23 tokens
const bpeTokenizer = trainBpe("the cat sat on the mat, the rat sat on the hat", {
  vocabSize: 270,
  pattern: "gpt2",
  special: ["<|endoftext|>"]
});

/** The bytes of a freshly initialised model's checkpoint; the model is disposed. */
function checkpointOf(config: GPTConfig, tokenizer: Tokenizer | null = null, seed = 1): Uint8Array {
  const params = initParams(config, seed);
  try {
    return saveCheckpoint(params, tokenizer);
  } finally {
    disposeParams(params);
  }
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A minimal safetensors reader, written from the format's description, independent of src/gpt/safetensors.ts. */
function readHeader(bytes: Uint8Array) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const {__metadata__: metadata, ...header}: Record<string, Entry> & {__metadata__: Record<string, string>} =
    JSON.parse(text);
  const tensor = (name: string) => {
    const [begin, end] = header[name].data_offsets;
    const copy = bytes.slice(8 + n + begin, 8 + n + end);
    return new Float32Array(copy.buffer);
  };
  return {n, text, header, metadata, tensor};
}

/** The same file with its JSON header edited. */
function editHeader(bytes: Uint8Array, edit: (header: Record<string, Entry>) => void): Uint8Array {
  const {n, header: entries, metadata} = readHeader(bytes);
  edit(entries);
  const header = {__metadata__: metadata, ...entries};
  const json = new TextEncoder().encode(
    JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8)
  );
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return out;
}

/** The same file with its tensors or metadata changed, re-encoded. */
function editTensors(bytes: Uint8Array, edit: (file: ReturnType<typeof decodeSafetensors>) => void): Uint8Array {
  const file = decodeSafetensors(bytes);
  edit(file);
  return encodeSafetensors(file.tensors, file.metadata);
}

function refuses(bytes: Uint8Array, message: string | RegExp) {
  const before = tf.memory().numTensors;
  assert.throws(
    () => loadCheckpoint(bytes),
    (e: unknown) =>
      e instanceof CheckpointError && (typeof message === "string" ? e.message === message : message.test(e.message))
  );
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

describe("saveCheckpoint / loadCheckpoint", () => {
  const tiny = {vocabSize: 11, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8};
  const configs: Record<string, [GPTConfig, Tokenizer | null]> = {
    toy: [PRESETS.toy, toyTokenizer],
    "addition (tied)": [PRESETS.addition, null],
    "tiny-decoder (post-norm, no ln_f)": [PRESETS["tiny-decoder"], null],
    sinusoidal: [makeConfig({...tiny, positional: "sinusoidal"}), CharTokenizer.fromText("0123456789\n")],
    "byte-level BPE tokenizer": [makeConfig({...tiny, vocabSize: 270}), bpeTokenizer],
    "untied, no biases": [
      makeConfig({...tiny, tieWeights: false, qkvBias: false, projBias: false, mlpBias: false, lnBias: false}),
      null
    ]
  };

  for (const [label, [config, tokenizer]] of Object.entries(configs)) {
    it(`loadCheckpoint(saveCheckpoint(params)) is bit-exact: ${label}`, () => {
      const before = tf.memory().numTensors;
      const params = initParams(config, 42);
      const loaded = loadCheckpoint(saveCheckpoint(params, tokenizer));
      assert.deepEqual(loaded.config, config);
      assert.deepEqual(loaded.tokenizer?.toJSON() ?? null, tokenizer?.toJSON() ?? null);
      const [a, b] = [namedParams(params), namedParams(loaded.params)];
      assert.deepEqual(
        b.map((n) => n.name),
        a.map((n) => n.name)
      );
      a.forEach((n, i) => {
        assert.deepEqual(b[i].variable.shape, n.variable.shape, n.name);
        assert.deepEqual(
          new Uint32Array(b[i].variable.dataSync().buffer),
          new Uint32Array(n.variable.dataSync().buffer)
        );
      });
      disposeParams(params);
      disposeParams(loaded.params);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it("saveCheckpoint writes nanoGPT names, PyTorch (out, in) shapes and the metadata, read by an independent reader", () => {
    const before = tf.memory().numTensors;
    const params = initParams(PRESETS.toy, 3);
    const bytes = saveCheckpoint(params, toyTokenizer);
    const {n, text, header, metadata, tensor} = readHeader(bytes);
    assert.equal(n % 8, 0);
    assert.equal(text, text.trimEnd().padEnd(n, " "));
    const shapes = Object.fromEntries(Object.entries(header).map(([k, v]) => [k, v.shape]));
    assert.deepEqual(shapes["transformer.wte.weight"], [23, 32]);
    assert.deepEqual(shapes["transformer.wpe.weight"], [32, 32]);
    assert.deepEqual(shapes["transformer.h.2.attn.c_attn.weight"], [96, 32]);
    assert.equal(shapes["transformer.h.2.attn.c_attn.bias"], undefined); // toy has no qkv bias
    assert.deepEqual(shapes["transformer.h.2.attn.c_proj.bias"], [32]);
    assert.deepEqual(shapes["transformer.h.0.mlp.c_fc.weight"], [128, 32]);
    assert.deepEqual(shapes["transformer.h.0.mlp.c_proj.weight"], [32, 128]);
    assert.deepEqual(shapes["transformer.ln_f.bias"], [32]);
    assert.deepEqual(shapes["lm_head.weight"], [23, 32]);
    assert.deepEqual(shapes["lm_head.bias"], [23]);
    assert.ok(Object.values(header).every((v) => v.dtype === "F32"));
    assert.equal(Object.keys(header).length, 2 + 3 * 11 + 2 + 2);
    assert.deepEqual(JSON.parse(metadata.config), PRESETS.toy);
    assert.equal(metadata.tokenizer, JSON.stringify({type: "char", vocab: toyTokenizer.vocab}));
    assert.equal(metadata.format, "pt");
    // PyTorch's c_fc.weight[o][i] is our weight[i][o].
    const ours = params.h[0].mlp.cFc.weight.dataSync();
    const theirs = tensor("transformer.h.0.mlp.c_fc.weight");
    for (const [o, i] of [
      [0, 0],
      [5, 17],
      [127, 31]
    ])
      assert.equal(theirs[o * 32 + i], ours[i * 128 + o]);
    disposeParams(params);
    assert.equal(tf.memory().numTensors, before);
  });

  it("a BPE tokenizer is saved as {type, pattern, merges, special} and loaded back as the same tokenizer", () => {
    const before = tf.memory().numTensors;
    const config = makeConfig({...tiny, vocabSize: bpeTokenizer.vocabSize});
    const bytes = checkpointOf(config, bpeTokenizer);
    const {metadata} = readHeader(bytes);
    const {pattern, merges, special} = bpeTokenizer;
    assert.equal(metadata.tokenizer, JSON.stringify({type: "bpe", pattern, merges, special}));
    const loaded = loadCheckpoint(bytes);
    const text = "the bat<|endoftext|>sat";
    assert.deepEqual(loaded.tokenizer!.encode(text), bpeTokenizer.encode(text));
    assert.deepEqual(saveCheckpoint(loaded.params, loaded.tokenizer), bytes);
    disposeParams(loaded.params);
    assert.equal(tf.memory().numTensors, before);
  });

  for (const name of ["addition", "shakespeare"]) {
    it(`the shipped ${name} checkpoint loads and saves again byte for byte`, () => {
      const before = tf.memory().numTensors;
      const bytes = new Uint8Array(readFileSync(`data/checkpoints/${name}.safetensors`));
      const {params, tokenizer, extra} = loadCheckpoint(bytes);
      assert.ok(tokenizer instanceof CharTokenizer);
      assert.deepEqual(saveCheckpoint(params, tokenizer, extra), bytes);
      disposeParams(params);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it("saveCheckpoint writes lm_head.weight with wte's values when the head is tied", () => {
    const {header, tensor} = readHeader(checkpointOf(PRESETS.addition));
    assert.deepEqual(header["lm_head.weight"].shape, [12, 64]);
    assert.deepEqual(tensor("lm_head.weight"), tensor("transformer.wte.weight"));
  });

  it("saveCheckpoint refuses a tokenizer whose size is not vocabSize", () => {
    const params = initParams(PRESETS.addition, 1);
    assert.throws(() => saveCheckpoint(params, toyTokenizer), /tokenizer has 23 tokens but config.vocabSize is 12/);
    disposeParams(params);
  });

  it("loadCheckpoint returns optimizer.* tensors and extra metadata in extra", () => {
    const before = tf.memory().numTensors;
    const params = initParams(PRESETS["tiny-decoder"], 1);
    const m = {name: "optimizer.m.transformer.wte.weight", shape: [2, 2], data: new Float32Array([1, 2, 3, 4])};
    const bytes = saveCheckpoint(params, null, {tensors: [m], metadata: {step: "17"}});
    assert.throws(
      () => saveCheckpoint(params, null, {tensors: [{...m, name: "adam.m"}]}),
      /must be named optimizer\.\*/
    );
    assert.throws(() => saveCheckpoint(params, null, {metadata: {config: "{}"}}), /may not set "config"/);
    disposeParams(params);
    const loaded = loadCheckpoint(bytes);
    assert.deepEqual(loaded.extra, {tensors: [m], metadata: {step: "17"}});
    disposeParams(loaded.params);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("loadCheckpoint refuses bad files", () => {
  const good = checkpointOf(PRESETS.toy, toyTokenizer);
  const metadata = (edit: (m: Record<string, string>) => void) => editTensors(good, (f) => edit(f.metadata));

  it("not safetensors", () => {
    refuses(new TextEncoder().encode("First Citizen: Before we proceed any further"), /^not a safetensors file/);
    refuses(new Uint8Array([1, 2, 3]), "not a safetensors file: 3 bytes, too short");
    const notJSON = new Uint8Array(16);
    notJSON[0] = 8;
    refuses(notJSON, /^not a safetensors file: the header is not JSON/);
  });

  it("truncated", () => {
    refuses(
      good.subarray(0, good.length - 10),
      /^file truncated: the header describes \d+ bytes of data, the file holds \d+$/
    );
    refuses(good.subarray(0, 100), /header length \d+ exceeds the 92 bytes after it/);
  });

  it("header lying about sizes", () => {
    refuses(
      editHeader(good, (h) => (h["lm_head.bias"].shape = [24])),
      /^tensor lm_head.bias: data_offsets \[\d+, \d+\] hold 92 bytes but shape \[24\] needs 96$/
    );
    refuses(
      editHeader(good, (h) => (h["transformer.wte.weight"].data_offsets[0] += 4)),
      /tensor transformer.wte.weight: data_offsets/
    );
    const [begin] = readHeader(good).header["transformer.wpe.weight"].data_offsets;
    refuses(
      editHeader(good, (h) => (h["transformer.wpe.weight"].data_offsets = [begin + 4, begin + 4 + 4 * 32 * 32])),
      /starts at byte \d+ of the data, expected \d+ \(no gaps or overlaps\)/
    );
  });

  it("wrong dtype", () => {
    refuses(
      editHeader(good, (h) => (h["transformer.h.0.ln_1.weight"].dtype = "F16")),
      'tensor transformer.h.0.ln_1.weight has dtype "F16", only "F32" is supported'
    );
  });

  it("missing tensor", () => {
    const bytes = editTensors(
      good,
      (f) => (f.tensors = f.tensors.filter((t) => t.name !== "transformer.h.1.mlp.c_fc.bias"))
    );
    refuses(bytes, "missing tensor transformer.h.1.mlp.c_fc.bias");
  });

  it("extra tensor", () => {
    const extra = {name: "transformer.h.0.attn.c_attn.bias", shape: [96], data: new Float32Array(96)};
    refuses(
      editTensors(good, (f) => f.tensors.push(extra)),
      "unexpected tensor transformer.h.0.attn.c_attn.bias (the config has no such weight)"
    );
  });

  it("shape disagreeing with config", () => {
    const bytes = editTensors(good, (f) => {
      const t = f.tensors.find((t) => t.name === "transformer.h.0.mlp.c_fc.weight")!;
      t.shape = [32, 128]; // our layout, not PyTorch's
    });
    refuses(bytes, "tensor transformer.h.0.mlp.c_fc.weight has shape [32,128] but the config needs [128,32]");
    const wider = metadata((m) => {
      m.config = JSON.stringify({...PRESETS.toy, vocabSize: 24});
      delete m.tokenizer;
    });
    refuses(wider, "tensor transformer.wte.weight has shape [23,32] but the config needs [24,32]");
  });

  it("tokenizer disagreeing with vocabSize", () => {
    const bytes = metadata((m) => (m.tokenizer = JSON.stringify(CharTokenizer.fromText("abc"))));
    refuses(bytes, "tokenizer has 3 tokens but config.vocabSize is 23");
    refuses(
      metadata((m) => (m.tokenizer = '{"type":"bpe","vocab":[]}')),
      'tokenizer in the metadata is invalid: tokenizer has unknown field "vocab"'
    );
    refuses(
      metadata((m) => (m.tokenizer = '{"type":"bpe","pattern":"none","merges":[[1,2],[2,999]],"special":{}}')),
      "tokenizer in the metadata is invalid: tokenizer merges[1] ([2,999]) must be a pair of ids below 257 (the ids made before it)"
    );
    refuses(
      metadata((m) => (m.tokenizer = '{"type":"words","vocab":[]}')),
      'tokenizer in the metadata is invalid: tokenizer type ("words") must be "char" or "bpe"'
    );
    const bpe = JSON.stringify({type: "bpe", pattern: "none", merges: [], special: {}}); // 256 tokens, not 23
    refuses(
      metadata((m) => (m.tokenizer = bpe)),
      "tokenizer has 256 tokens but config.vocabSize is 23"
    );
  });

  it("config missing or invalid", () => {
    refuses(
      metadata((m) => delete m.config),
      "the metadata has no config: not a TinyGPT checkpoint"
    );
    refuses(
      metadata((m) => (m.config = "{nLayer: 3")),
      "config in the metadata is invalid: not JSON"
    );
    refuses(
      metadata((m) => (m.config = JSON.stringify({...PRESETS.toy, nHead: 5}))),
      "config in the metadata is invalid: nEmbd (32) must be divisible by nHead (5)"
    );
  });

  it("tied head that differs from wte", () => {
    const bytes = editTensors(checkpointOf(PRESETS.addition), (f) => {
      const head = f.tensors.find((t) => t.name === "lm_head.weight")!;
      head.data = head.data.map((v) => v + 1);
    });
    refuses(bytes, "lm_head.weight differs from transformer.wte.weight but the config ties them");
  });
});
