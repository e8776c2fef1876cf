import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import * as tf from "@tinygpt/tf";
import {saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {adapterWeights, attachLora, detachLora, parseTargets, type LoraConfig} from "../../src/gpt/lora.js";
import {checkBase, loadAdapter, readAdapter, saveAdapter, sha256Hex} from "../../src/gpt/loraFile.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {decodeSafetensors, encodeSafetensors} from "../../src/gpt/safetensors.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";
import {noLeak, randomIds, randomise, useCpu} from "../helpers/tf.js";

before(useCpu);

const tokenizer = CharTokenizer.fromText("abcdefgh ,.\n");
const V = tokenizer.vocabSize;
const config = makeConfig({vocabSize: V, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dFF: 16});
const LORA: LoraConfig = {r: 2, alpha: 8, dropout: 0.05, targets: parseTargets(["c_attn", "c_fc"]), layers: null};

function model(c: GPTConfig = config, seed = 1): Params {
  const p = initParams(c, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.3));
  return p;
}

/** A base, its checkpoint's hash, and a trained-looking adapter on it (B randomised), saved. */
async function saved(lora: LoraConfig = LORA) {
  const params = model();
  const sha256 = await sha256Hex(saveCheckpoint(params, tokenizer));
  const adapter = attachLora(params, lora, 4);
  adapterWeights(adapter).forEach(({variable}, i) => randomise(variable, 70 + i, 0.3));
  const bytes = await saveAdapter(adapter, {tokenizer, sha256});
  return {params, sha256, adapter, bytes};
}

function logitsOf(params: Params, idx: tf.Tensor2D): number[][][] {
  const logits = forward(params, idx);
  const values = logits.arraySync();
  logits.dispose();
  return values;
}

describe("adapter files", () => {
  it("sha256Hex is the SHA-256 of the bytes, as node:crypto computes it", async () => {
    const bytes = new TextEncoder().encode("tinygpt");
    assert.equal(await sha256Hex(bytes), createHash("sha256").update(bytes).digest("hex"));
  });

  it("saveAdapter writes PEFT's names, lora_A (r, in) and lora_B (out, r), and the config in the metadata", async () => {
    const start = tf.memory().numTensors;
    const {params, sha256, adapter, bytes} = await saved();
    const file = decodeSafetensors(bytes);
    const names = file.tensors.map(({name}) => name);
    assert.deepEqual(names.slice(0, 4), [
      "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
      "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
      "base_model.model.transformer.h.0.mlp.c_fc.lora_A.weight",
      "base_model.model.transformer.h.0.mlp.c_fc.lora_B.weight"
    ]);
    assert.equal(names.length, 8);
    const [a, b] = file.tensors;
    assert.deepEqual(
      [a.shape, b.shape],
      [
        [2, 8],
        [24, 2]
      ]
    );
    const {lora} = adapter.modules[0];
    const A = lora.a.arraySync() as number[][]; // (in, r)
    assert.equal(a.data[1 * 8 + 3], A[3][1]); // lora_A.weight[1][3] = A[3][1]
    const B = lora.b.arraySync() as number[][]; // (r, out)
    assert.equal(b.data[5 * 2 + 1], B[1][5]); // lora_B.weight[5][1] = B[1][5]
    const {metadata} = file;
    assert.deepEqual(
      {...metadata, tokenizer: JSON.parse(metadata.tokenizer)},
      {
        ...{format: "pt", peft_type: "LORA", r: "2", lora_alpha: "8", lora_dropout: "0.05"},
        ...{target_modules: '["attn.c_attn","mlp.c_fc"]', base_model_sha256: sha256, tokenizer: tokenizer.toJSON()}
      }
    );
    detachLora(adapter);
    disposeParams(params);
    assert.equal(tf.memory().numTensors, start);
  });

  it("a saved adapter loads back onto its base with identical outputs, and chosen blocks are recorded", async () => {
    for (const lora of [LORA, {...LORA, layers: [1]}]) {
      const {params, sha256, adapter, bytes} = await saved(lora);
      const idx = randomIds([2, 8], V, 3);
      const adapted = logitsOf(params, idx);
      detachLora(adapter);
      await noLeak(() => {
        const file = readAdapter(bytes);
        assert.deepEqual(file.config, lora);
        const loaded = loadAdapter(params, file, {tokenizer, sha256});
        assert.deepEqual(logitsOf(params, idx), adapted);
        detachLora(loaded);
      });
      tf.dispose(idx);
      disposeParams(params);
    }
  });

  it("loading onto the wrong base is refused, naming the mismatch: tokenizer, shape or hash", async () => {
    const start = tf.memory().numTensors;
    const {params, sha256, adapter, bytes} = await saved();
    detachLora(adapter);
    const file = readAdapter(bytes);
    const other = CharTokenizer.fromText("abcdefgh ,.!");
    const wider = makeConfig({...config, nEmbd: 16});
    const shallower = makeConfig({...config, nLayer: 1});
    const cases: [Parameters<typeof checkBase>[1], RegExp][] = [
      [
        {config, tokenizer: other, sha256},
        /tokenizer mismatch: the adapter's base has 12 characters, this checkpoint 12/
      ],
      [
        {config: wider, tokenizer, sha256},
        /shape mismatch: tensor .*h\.0\.attn\.c_attn\.lora_A\.weight has shape \[2,8\] but this checkpoint needs \[2,16\]/
      ],
      [
        {config: shallower, tokenizer, sha256},
        /shape mismatch: tensor .*h\.1\..* adapts no weight of this checkpoint \(1 blocks\)/
      ],
      [
        {config, tokenizer, sha256: "0".repeat(64)},
        /hash mismatch: the adapter was trained on the checkpoint with sha256 [0-9a-f]{12}…, this one is 000000000000…/
      ]
    ];
    for (const [base, message] of cases) assert.throws(() => checkBase(file, base), message);
    await noLeak(() =>
      assert.throws(() => loadAdapter(params, file, {tokenizer, sha256: "f".repeat(64)}), /hash mismatch/)
    );
    assert.ok(
      params.h.every((b) => !b.attn.cAttn.lora),
      "a refused adapter stayed attached"
    );
    disposeParams(params);
    assert.equal(tf.memory().numTensors, start);
  });

  it("a file that is not an adapter, or whose config is malformed, is refused saying what is wrong", async () => {
    const params = model();
    const checkpoint = saveCheckpoint(params, tokenizer);
    disposeParams(params);
    assert.throws(() => readAdapter(checkpoint), /no peft_type LORA and r: not a LoRA adapter file/);
    assert.throws(() => readAdapter(new Uint8Array(4)), /not a safetensors file/);
    const withMetadata = (metadata: Record<string, string>) => encodeSafetensors([], {peft_type: "LORA", ...metadata});
    const good = {r: "2", lora_alpha: "8", target_modules: '["c_attn"]'};
    assert.throws(() => readAdapter(withMetadata({...good, r: "0"})), /r \(0\) must be a positive integer/);
    assert.throws(() => readAdapter(withMetadata({...good, lora_alpha: "x"})), /lora_alpha \(NaN\)/);
    assert.throws(
      () => readAdapter(withMetadata({...good, target_modules: "c_attn"})),
      /target_modules .* is not JSON/
    );
    assert.throws(
      () => readAdapter(withMetadata({...good, target_modules: '["wte"]'})),
      /target "wte" is not a Linear/
    );
    assert.throws(() => readAdapter(withMetadata({...good, layers_to_transform: "[1, 0]"})), /layers_to_transform/);
    assert.equal(readAdapter(withMetadata(good)).config.dropout, 0);
  });
});
