import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as tf from "@tinygpt/tf";
import {initBackend} from "../../src/gpt/backend.js";
import {loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig} from "../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {detachLora} from "../../src/gpt/lora.js";
import {loadAdapter, readAdapter, sha256Hex} from "../../src/gpt/loraFile.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams, type Params} from "../../src/gpt/params.js";
import {decodeSafetensors} from "../../src/gpt/safetensors.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";
import {fails, tinygpt} from "../helpers/cli.js";
import {randomise} from "../helpers/tf.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-lora-"));
const file = (name: string) => join(dir, name);
const tokenizer = CharTokenizer.fromText(TOY_SENTENCES + "'"); // no '"': the text's quotes become "'"
const text = TOY_SENTENCES.replace(/The/g, '"The"').repeat(4);
const config = makeConfig({vocabSize: tokenizer.vocabSize, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16});
const tokens = "3,1,4,1,5";
const tuneArgs = (...extra: string[]) => [
  ...["finetune", "--checkpoint", file("base.safetensors"), "--data", file("toy.txt"), "--steps", "30"],
  ...["--lr", "2e-2", "--batch", "8", "--eval-every", "15", "--eval-iters", "2", "--backend", "cpu", ...extra]
];
const logitsOf = (params: Params) => {
  const idx = tf.tensor2d([tokens.split(",").map(Number)], [1, 5], "int32");
  const logits = forward(params, idx);
  const values = (logits.arraySync() as number[][][])[0];
  tf.dispose([idx, logits]);
  return values;
};
const maxRel = (a: number[][], b: number[][]) =>
  Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i]))) / Math.max(...b.flat().map(Math.abs));
const forwardJSON = async (...args: string[]) => {
  const r = await tinygpt("forward", "--tokens", tokens, "--json", ...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).logits as number[][];
};

before(async () => {
  await initBackend();
  // nanoGPT's initialisation, but token embeddings large enough for the tied head to tell the characters apart.
  const base = initParams(config, 2);
  randomise(base.wte, 10, 1);
  writeFileSync(file("base.safetensors"), saveCheckpoint(base, tokenizer));
  randomise(base.wte, 11, 1);
  writeFileSync(file("other.safetensors"), saveCheckpoint(base, tokenizer));
  disposeParams(base);
  writeFileSync(file("toy.txt"), text);
});
after(() => rmSync(dir, {recursive: true, force: true}));

describe("tinygpt finetune, forward --adapter, sample --adapter, merge", () => {
  it("finetune trains a LoRA adapter: counts on stdout, progress on stderr, a lower held-out loss, PEFT's file", async () => {
    const out = file("adapter.safetensors");
    const r = await tinygpt(
      ...tuneArgs("--lora-rank", "2", "--lora-alpha", "4", "--targets", "c_attn,c_proj,c_fc", "--out", out)
    );
    assert.equal(r.status, 0, r.stderr);
    const per = 2 * (16 + 48) + 2 * (16 + 16) + 2 * (16 + 64) + 2 * (64 + 16); // r·(in + out) of each adapted matrix
    assert.match(
      r.stdout,
      new RegExp(`^${(2 * per).toLocaleString("en-US")} trainable of the model's [\\d,]+ parameters`, "m")
    );
    const [, before, after] = r.stdout.match(
      /held-out loss on .*toy\.txt \([\d,]+ tokens\): ([\d.]+) before, ([\d.]+) after/
    )!;
    assert.ok(Number(after) < Number(before) - 0.1, `held-out loss ${before} → ${after}`);
    assert.match(
      r.stderr,
      /^fine-tuning .* with LoRA \(r 2, α 4, attn\.c_attn, attn\.c_proj, mlp\.c_fc, mlp\.c_proj; every block\), on cpu/m
    );
    assert.match(r.stderr, /^step 15\/30 .* held-out loss [\d.]+$/m);
    const quotes = text.split('"').length - 1;
    assert.ok(r.stderr.includes(`toy.txt: outside the base's vocabulary, replaced: "\\"" (${quotes}) → "'"`), r.stderr);
    const saved = decodeSafetensors(readFileSync(out));
    assert.deepEqual(
      saved.tensors.slice(0, 2).map(({name, shape}) => [name, shape]),
      [
        ["base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", [2, 16]],
        ["base_model.model.transformer.h.0.attn.c_attn.lora_B.weight", [48, 2]]
      ]
    );
    assert.equal(saved.metadata.base_model_sha256, await sha256Hex(readFileSync(file("base.safetensors"))));
  });

  it("forward --adapter prints the adapted model's logits; merge writes a checkpoint whose logits equal them", async () => {
    const base = file("base.safetensors");
    const adapter = file("adapter.safetensors");
    const [plain, adapted] = [
      await forwardJSON("--checkpoint", base),
      await forwardJSON("--checkpoint", base, "--adapter", adapter)
    ];
    const loaded = loadCheckpoint(readFileSync(base));
    const lora = loadAdapter(loaded.params, readAdapter(readFileSync(adapter)), {
      tokenizer,
      sha256: await sha256Hex(readFileSync(base))
    });
    assert.ok(maxRel(adapted, logitsOf(loaded.params)) < 1e-6);
    assert.ok(maxRel(adapted, plain) > 1e-2, "the adapter changed nothing");
    detachLora(lora);
    disposeParams(loaded.params);

    const r = await tinygpt("merge", "--checkpoint", base, "--adapter", adapter, "--out", file("merged.safetensors"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /merged into 8 weights$/m);
    const merged = loadCheckpoint(readFileSync(file("merged.safetensors")));
    assert.deepEqual(JSON.parse(merged.extra.metadata.lora_merged).target_modules, [
      "attn.c_attn",
      "attn.c_proj",
      "mlp.c_fc",
      "mlp.c_proj"
    ]);
    disposeParams(merged.params);
    const fromMerged = await forwardJSON("--checkpoint", file("merged.safetensors"));
    assert.ok(maxRel(fromMerged, adapted) <= 1e-5, `merged vs adapted: ${maxRel(fromMerged, adapted)}`);
  });

  it("sample --adapter writes what the merged model writes (greedy)", async () => {
    const args = ["--prompt", "The ", "--max-tokens", "20", "--greedy"];
    const withAdapter = await tinygpt(
      "sample",
      "--checkpoint",
      file("base.safetensors"),
      "--adapter",
      file("adapter.safetensors"),
      ...args
    );
    const merged = await tinygpt("sample", "--checkpoint", file("merged.safetensors"), ...args);
    const plain = await tinygpt("sample", "--checkpoint", file("base.safetensors"), ...args);
    assert.equal(withAdapter.status, 0, withAdapter.stderr);
    assert.equal(withAdapter.stdout, merged.stdout);
    assert.notEqual(withAdapter.stdout, plain.stdout);
  });

  it("finetune --full trains every weight and writes an ordinary checkpoint", async () => {
    const out = file("full.safetensors");
    const r = await tinygpt(...tuneArgs("--full", "--out", out));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^([\d,]+) trainable of the model's \1 parameters \(100\.00%\)$/m);
    assert.match(r.stdout, /with every weight \(full fine-tuning\)/);
    const tuned = loadCheckpoint(readFileSync(out));
    assert.equal(JSON.parse(tuned.extra.metadata.training).finetune.steps, 30);
    disposeParams(tuned.params);
  });

  const adapter = () => file("adapter.safetensors");
  const cases: [string, () => string[], number, RegExp][] = [
    [
      "an adapter on another base",
      () => ["forward", "--checkpoint", file("other.safetensors"), "--adapter", adapter(), "--tokens", "1"],
      1,
      /adapter\.safetensors: hash mismatch: the adapter was trained on the checkpoint with sha256 [0-9a-f]{12}…, this one is [0-9a-f]{12}…/
    ],
    [
      "a checkpoint given as the adapter",
      () => [
        "merge",
        "--checkpoint",
        file("base.safetensors"),
        "--adapter",
        file("base.safetensors"),
        "--out",
        file("x")
      ],
      1,
      /not a LoRA adapter file/
    ],
    [
      "merge without --adapter",
      () => ["merge", "--checkpoint", file("base.safetensors"), "--out", file("x")],
      2,
      /--adapter is required/
    ],
    [
      "--full with LoRA flags",
      () => tuneArgs("--full", "--lora-rank", "4", "--out", file("x")),
      2,
      /--full trains every weight: --lora-rank does not apply/
    ],
    [
      "an unknown target",
      () => tuneArgs("--targets", "c_attn,wte", "--out", file("x")),
      2,
      /--targets: target "wte" is not a Linear layer of a block/
    ],
    ["a rank of 0", () => tuneArgs("--lora-rank", "0", "--out", file("x")), 2, /--lora-rank \(0\) must be at least 1/],
    [
      "a block beyond the base's depth",
      () => tuneArgs("--layers", "0,2", "--out", file("x")),
      2,
      /--layers \(0,2\) must name blocks below 2, the base's depth/
    ],
    [
      "two texts",
      () => [...tuneArgs("--out", file("x")), "--corpus", "toy"],
      2,
      /exactly one of --data FILE.txt and --corpus NAME/
    ]
  ];
  for (const [what, args, status, message] of cases) {
    it(`refuses ${what} with one line and status ${status}`, () => fails(args(), status, message));
  }
});
