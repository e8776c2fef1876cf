import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig} from "../../src/gpt/config.js";
import {PRESETS} from "../../src/gpt/presets.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";
import {fails, tinygpt} from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-cli-"));
const file = (name: string) => join(dir, name);
const corpus = "To be, or not to be, that is the question:\n";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
  writeFileSync(file("corpus.txt"), corpus);
  writeFileSync(file("partial.json"), JSON.stringify({vocabSize: 50, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 24}));
  writeFileSync(file("bad-config.json"), JSON.stringify({...PRESETS.toy, nHead: 5}));
  writeFileSync(file("not-json.json"), "{vocabSize: 3");
});
after(() => rmSync(dir, {recursive: true, force: true}));

describe("tinygpt help", {concurrency: true}, () => {
  for (const args of [["--help"], ["help"], ["params", "--help"], ["help", "init"], ["forward", "--help"]]) {
    it(`tinygpt ${args.join(" ")} prints usage`, async () => {
      const r = await tinygpt(...args);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^Usage: tinygpt /);
      assert.equal(r.stderr, "");
    });
  }
});

describe("tinygpt params", {concurrency: true}, () => {
  it("params --preset gpt2 --json prints the published count and the breakdown", async () => {
    const r = await tinygpt("params", "--preset", "gpt2", "--json");
    assert.equal(r.status, 0);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ["total", "excludingPositions", "breakdown"]);
    assert.equal(json.total, 124_439_808);
    assert.deepEqual(json, countParams(PRESETS.gpt2));
  });

  it("params --preset tiny-decoder prints a table with the totals", async () => {
    const r = await tinygpt("params", "--preset", "tiny-decoder");
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^total +20,712$/m);
    assert.match(r.stdout, /^token embedding +1,280$/m);
  });

  it("params --config FILE fills the defaults of a partial config", async () => {
    const r = await tinygpt("params", "--config", file("partial.json"), "--json");
    assert.equal(r.status, 0);
    const config = makeConfig({vocabSize: 50, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 24});
    assert.deepEqual(JSON.parse(r.stdout), countParams(config));
  });
});

describe("tinygpt init and forward", () => {
  const out = file("toy.safetensors");

  it("init --vocab-from writes the checkpoint initParams and saveCheckpoint make for that seed", async () => {
    const r = await tinygpt("init", "--preset", "toy", "--seed", "7", "--out", out, "--vocab-from", file("corpus.txt"));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout.trim().split("\n").length, 1);
    const tokenizer = CharTokenizer.fromText(corpus);
    const config = makeConfig({...PRESETS.toy, vocabSize: tokenizer.vocabSize});
    const before = tf.memory().numTensors;
    const params = initParams(config, 7);
    assert.deepEqual(new Uint8Array(readFileSync(out)), saveCheckpoint(params, tokenizer));
    disposeParams(params);
    assert.equal(tf.memory().numTensors, before);
  });

  it("init without --vocab-from keeps the preset's vocabSize and saves no tokenizer", async () => {
    const r = await tinygpt("init", "--preset", "addition", "--seed", "1", "--out", file("addition.safetensors"));
    assert.equal(r.status, 0, r.stderr);
    const loaded = loadCheckpoint(readFileSync(file("addition.safetensors")));
    assert.deepEqual(loaded.config, PRESETS.addition);
    assert.equal(loaded.tokenizer, null);
    disposeParams(loaded.params);
  });

  it("forward --json prints the logits forward(params, idx) computes", async () => {
    const tokens = [3, 1, 4, 1, 5];
    const r = await tinygpt("forward", "--checkpoint", out, "--tokens", tokens.join(","), "--json");
    assert.equal(r.status, 0, r.stderr);
    const {logits} = JSON.parse(r.stdout) as {logits: number[][]};
    const before = tf.memory().numTensors;
    const {params, config} = loadCheckpoint(readFileSync(out));
    assert.equal(logits.length, tokens.length);
    assert.ok(logits.every((row) => row.length === config.vocabSize));
    const idx = tf.tensor2d([tokens], [1, tokens.length], "int32");
    const expected = forward(params, idx);
    const want = ((await expected.array()) as number[][][])[0];
    tf.dispose([idx, expected]);
    disposeParams(params);
    assert.equal(tf.memory().numTensors, before);
    want.forEach((row, t) => row.forEach((x, v) => assert.ok(Math.abs(x - logits[t][v]) < 1e-4, `[${t}][${v}]`)));
  });

  it("forward without --json prints the top predictions, decoded", async () => {
    const r = await tinygpt("forward", "--checkpoint", out, "--tokens", "0,1");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").length, 3);
  });

  describe("errors", {concurrency: true}, () => {
    const usage: [string[], RegExp][] = [
      [[], /no command/],
      [["fly"], /unknown command "fly"/],
      [["params", "--preset", "toy", "--width", "3"], /Unknown option '--width'/],
      [["params", "--preset"], /'--preset <value>' argument missing/],
      [["params"], /exactly one of --preset NAME and --config FILE.json/],
      [["params", "--preset", "gpt5"], /unknown preset "gpt5"/],
      [
        ["init", "--preset", "toy", "--seed", "1.5", "--out", file("x")],
        /--seed \("1.5"\) must be a non-negative integer/
      ],
      [["init", "--preset", "toy", "--out", file("x")], /--seed is required/],
      [["forward", "--checkpoint", out, "--tokens", "3,one"], /--tokens \("3,one"\) must be comma-separated/]
    ];
    for (const [args, message] of usage) {
      it(`usage error (status 2): tinygpt ${args.join(" ")}`, () => fails(args, 2, message));
    }
    const problems: [string[], RegExp][] = [
      [
        ["forward", "--checkpoint", out, "--tokens", "3,99"],
        /token 99 at position 1 is outside the vocabulary \[0, \d+\)/
      ],
      [
        ["forward", "--checkpoint", out, "--tokens", Array(33).fill(1).join()],
        /33 tokens exceed the context length \(blockSize 32\)/
      ],
      [
        ["forward", "--checkpoint", file("missing.safetensors"), "--tokens", "1"],
        /cannot read .*missing.safetensors: no such file/
      ],
      [["forward", "--checkpoint", file("corpus.txt"), "--tokens", "1"], /corpus.txt: not a safetensors file/],
      [
        ["params", "--config", file("bad-config.json")],
        /bad-config.json: nEmbd \(32\) must be divisible by nHead \(5\)/
      ],
      [["params", "--config", file("not-json.json")], /not-json.json is not valid JSON/],
      [["init", "--preset", "gpt2", "--seed", "1", "--out", file("x")], /too large to build here/]
    ];
    for (const [args, message] of problems) {
      it(`file or model error (status 1): tinygpt ${args.join(" ").replace(dir, "DIR")}`, () =>
        fails(args, 1, message));
    }
  });
});
