import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {Tiktoken} from "js-tiktoken/lite";
import r50k from "js-tiktoken/ranks/r50k_base";
import * as tf from "@tinygpt/tf";
import {initBackend} from "../../src/gpt/backend.js";
import {loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig} from "../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {generate} from "../../src/gpt/sample.js";
import {CharTokenizer, trainBpe, type BpeTokenizer} from "../../src/gpt/tokenizer.js";
import {randomise} from "../helpers/tf.js";
import {fails, tinygpt} from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-tok-"));
const file = (name: string) => join(dir, name);
const sample = "Don't panic: 42 émigrés 😀 said\n\n  I'll    go.\n";
let bpe: BpeTokenizer; // trained here on TOY_SENTENCES, as the CLI trains it

before(async () => {
  writeFileSync(file("toy.txt"), TOY_SENTENCES);
  writeFileSync(file("sample.txt"), sample);
  writeFileSync(file("empty.txt"), "");
  writeFileSync(file("image.png"), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
  writeFileSync(file("not-json.json"), '{"type": "bpe", merges');
  writeFileSync(
    file("bad-merges.json"),
    JSON.stringify({type: "bpe", pattern: "none", merges: [[1, 999]], special: {}})
  );
  bpe = trainBpe(TOY_SENTENCES, {vocabSize: 300, pattern: "gpt2", special: ["<|endoftext|>"]});
  writeFileSync(file("bpe.json"), JSON.stringify(bpe));
});
after(() => rmSync(dir, {recursive: true, force: true}));

describe("tinygpt tokenizer train", () => {
  it("writes the tokenizer trainBpe learns, as the checkpoint's metadata object, with progress on stderr", async () => {
    const out = file("toy-tok.json");
    const args = ["--corpus", file("toy.txt"), "--vocab-size", "300", "--pattern", "gpt2", "--out", out];
    const r = await tinygpt("tokenizer", "train", ...args, "--special", "<|endoftext|>");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote .*toy-tok.json: 300 tokens \(256 bytes, 43 merges, 1 special\), pattern gpt2; /);
    assert.equal(r.stdout.trim().split("\n").length, 1);
    assert.match(r.stderr, /^learning 43 merges from .*toy.txt/m);
    assert.match(r.stderr, /^merge 43\/43 +count \d+ +\d+ tokens/m);
    const json = JSON.parse(readFileSync(out, "utf-8"));
    assert.deepEqual(Object.keys(json), ["type", "pattern", "merges", "special"]);
    assert.deepEqual(json, bpe.toJSON());
  });

  it("the same corpus and settings give the same file (reproducible)", async () => {
    const args = (out: string) => [
      "--corpus",
      file("toy.txt"),
      "--vocab-size",
      "280",
      "--pattern",
      "none",
      "--out",
      out
    ];
    const [one, two] = await Promise.all([
      tinygpt("tokenizer", "train", ...args(file("one.json"))),
      tinygpt("tokenizer", "train", ...args(file("two.json")))
    ]);
    assert.equal(one.status + two.status, 0);
    assert.equal(readFileSync(file("one.json"), "utf-8"), readFileSync(file("two.json"), "utf-8"));
  });
});

describe("tinygpt tokenize", {concurrency: true}, () => {
  it("--tokenizer TOK.json --json prints the ids and their decoding", async () => {
    const r = await tinygpt("tokenize", "--tokenizer", file("bpe.json"), "--text-file", file("sample.txt"), "--json");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {ids: bpe.encode(sample), text: sample});
  });

  it("--tokenizer gpt2 gives GPT-2's ids (js-tiktoken's)", async () => {
    const r = await tinygpt("tokenize", "--tokenizer", "gpt2", "--text-file", file("sample.txt"), "--json");
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {ids: new Tiktoken(r50k).encode(sample), text: sample});
  });

  it("without --json prints one token per line: the id, then the token as a JSON string", async () => {
    const r = await tinygpt("tokenize", "--tokenizer", `char:${file("sample.txt")}`, "--text-file", file("sample.txt"));
    assert.equal(r.status, 0, r.stderr);
    const chars = CharTokenizer.fromText(sample);
    const lines = r.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines,
      chars.encode(sample).map((id) => `${id}\t${JSON.stringify(chars.tokenString(id))}`)
    );
    const gpt2 = await tinygpt("tokenize", "--tokenizer", "gpt2", "--text-file", file("sample.txt"));
    assert.match(gpt2.stdout, /^\d+\t" panic"$/m);
    assert.match(gpt2.stdout, /^\d+\t"\\\\x80"$/m); // 😀 is split across tokens: its bytes show as \xHH
  });

  describe("bad input: one line, status 2", {concurrency: true}, () => {
    const train = (...args: string[]) => ["tokenizer", "train", "--out", file("x.json"), ...args];
    const toy = ["--corpus", file("toy.txt")];
    const usage: [string, string[], RegExp][] = [
      [
        "vocab size ≤ 256",
        train(...toy, "--vocab-size", "256", "--pattern", "none"),
        /--vocab-size \(256\) must be more than 256 \(the bytes\): nothing would be merged/
      ],
      [
        "vocab size larger than the corpus allows",
        train("--corpus", file("sample.txt"), "--vocab-size", "5000", "--pattern", "gpt2"),
        /sample.txt: vocab size \(5000\) is more than this corpus allows: after \d+ merges no pair is left \(at most \d+ tokens\)/
      ],
      [
        "an empty corpus",
        train("--corpus", file("empty.txt"), "--vocab-size", "300", "--pattern", "none"),
        /empty.txt is empty/
      ],
      [
        "a binary corpus",
        train("--corpus", file("image.png"), "--vocab-size", "300", "--pattern", "none"),
        /image.png is not text: it has a NUL byte/
      ],
      [
        "an unknown pattern",
        train(...toy, "--vocab-size", "300", "--pattern", "words"),
        /--pattern \("words"\) must be one of none, gpt2/
      ],
      ["an unknown subcommand", ["tokenizer", "fit"], /tokenizer: unknown subcommand "fit"; only train/],
      [
        "a tokenizer file that is not JSON",
        ["tokenize", "--tokenizer", file("not-json.json"), "--text-file", file("sample.txt")],
        /not-json.json is not valid JSON/
      ],
      [
        "a tokenizer file that is not a tokenizer",
        ["tokenize", "--tokenizer", file("bad-merges.json"), "--text-file", file("sample.txt")],
        /bad-merges.json: tokenizer merges\[0\] \(\[1,999\]\) must be a pair of ids below 256/
      ]
    ];
    for (const [what, args, message] of usage) it(`refuses ${what}`, () => fails(args, 2, message));
    it("a corpus that cannot be read is a file problem (status 1)", () =>
      fails(
        train("--corpus", file("missing.txt"), "--vocab-size", "300", "--pattern", "none"),
        1,
        /cannot read .*missing.txt: no such file/
      ));
  });
});

describe("sample, eval and forward with a BPE checkpoint", () => {
  const checkpoint = file("bpe.safetensors");
  let config = makeConfig({vocabSize: 300, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16, tieWeights: false});

  before(async () => {
    await initBackend(); // the CLI's choice, so that greedy ties break alike
    config = makeConfig({...config, vocabSize: bpe.vocabSize});
    const params = initParams(config, 5);
    namedParams(params).forEach(({variable}, i) => randomise(variable, 70 + i, 0.8));
    writeFileSync(checkpoint, saveCheckpoint(params, bpe));
    disposeParams(params);
  });

  it("sample encodes the prompt and decodes the continuation with the checkpoint's BPE", async () => {
    const r = await tinygpt(
      "sample",
      "--checkpoint",
      checkpoint,
      "--prompt",
      "The cat",
      "--max-tokens",
      "12",
      "--greedy"
    );
    assert.equal(r.status, 0, r.stderr);
    const before = tf.memory().numTensors;
    const {params, tokenizer} = loadCheckpoint(readFileSync(checkpoint));
    const ids = await generate(params, tokenizer!.encode("The cat"), {maxNewTokens: 12, greedy: true});
    disposeParams(params);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(r.stdout, bpe.decode(ids) + "\n");
    assert.ok(r.stdout.startsWith("The cat"));
  });

  it("eval --data reports nats per token and bits per byte", async () => {
    const r = await tinygpt(
      "eval",
      "--checkpoint",
      checkpoint,
      "--data",
      file("toy.txt"),
      "--backend",
      "cpu",
      "--json"
    );
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    const val = bpe.encode(TOY_SENTENCES).slice(Math.floor(0.9 * bpe.encode(TOY_SENTENCES).length));
    assert.equal(json.tokens, val.length);
    assert.equal(json.bytes, new TextEncoder().encode(bpe.decode(val)).length);
    assert.ok(Math.abs(json.bitsPerByte - (json.valLoss * json.tokens) / json.bytes / Math.LN2) < 1e-9);
    assert.ok(json.valLoss > 0);
  });

  it("forward shows the input and predicted tokens as BPE tokens", async () => {
    const ids = bpe.encode("The cat");
    const r = await tinygpt("forward", "--checkpoint", checkpoint, "--tokens", ids.join(","));
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, ids.length + 1);
    assert.ok(lines[1].includes(JSON.stringify(bpe.tokenString(ids[0]))), lines[1]);
  });
});
