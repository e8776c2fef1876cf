import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../src/gpt/checkpoint.js";
import {loadOptimizer} from "../../src/gpt/checkpointOptim.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {disposeParams} from "../../src/gpt/params.js";
import {ProgressBar, clock} from "../../cli/progress.js";
import {fails, tinygpt} from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-train-"));
const file = (name: string) => join(dir, name);
// A small model: 1 layer, width 16, context 8 (its vocabSize is replaced by the data's).
const config = {vocabSize: 1, blockSize: 12, nLayer: 1, nHead: 2, nEmbd: 16};
const common = ["--config", file("small.json"), "--batch", "4", "--lr", "3e-3", "--seed", "3", "--backend", "cpu"];

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
  writeFileSync(file("small.json"), JSON.stringify(config));
  writeFileSync(file("toy.txt"), TOY_SENTENCES);
});
after(() => rmSync(dir, {recursive: true, force: true}));

describe("tinygpt train", {concurrency: true}, () => {
  it("trains on a text, reports progress on stderr and saves the model, its tokenizer and its optimizer", async () => {
    const out = file("toy.safetensors");
    const r = await tinygpt(
      "train",
      ...common,
      "--data",
      file("toy.txt"),
      "--steps",
      "6",
      "--eval-every",
      "3",
      "--out",
      out
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^finished at step 6 in \d+:\d\d \([\d,]+ tokens\/s on cpu\): train loss [\d.]+, val loss [\d.]+ \([\d.]+ bits\/byte\); wrote /
    );
    assert.equal(r.stdout.trim().split("\n").length, 1);
    assert.match(r.stderr, /^training .*steps 0→6, batch 4, 12 tokens per sequence$/m);
    const val = /^step 3\/6 .* val loss ([\d.]+) \(([\d.]+) bits\/byte\)$/m.exec(r.stderr); // plain lines: no terminal
    assert.ok(val, r.stderr);
    assert.ok(
      Math.abs(Number(val[2]) - Number(val[1]) / Math.LN2) < 1e-3,
      "ASCII: a byte per token, bits = nats / ln 2"
    );
    assert.doesNotMatch(r.stderr, /\r/);
    const loaded = loadCheckpoint(readFileSync(out));
    assert.deepEqual(loaded.tokenizer!.toJSON(), {type: "char", vocab: [...new Set(TOY_SENTENCES)].sort()});
    const {optimizer} = loadOptimizer(loaded)!;
    assert.equal(optimizer.step, 6);
    assert.equal(JSON.parse(loaded.extra.metadata.training).data.file, file("toy.txt"));
    optimizer.dispose();
    disposeParams(loaded.params);
  });

  it("--resume continues exactly: 3 steps then 3 more write the same file as 6 steps", async () => {
    const args = [...common, "--corpus", "toy"];
    const [straight, half] = await Promise.all([
      tinygpt("train", ...args, "--steps", "6", "--out", file("straight.safetensors")),
      tinygpt("train", ...args, "--steps", "3", "--out", file("half.safetensors"))
    ]);
    assert.equal(straight.status, 0, straight.stderr);
    assert.equal(half.status, 0, half.stderr);
    const rest = await tinygpt(
      "train",
      ...args,
      "--steps",
      "6",
      "--resume",
      file("half.safetensors"),
      "--out",
      file("resumed.safetensors")
    );
    assert.equal(rest.status, 0, rest.stderr);
    assert.match(rest.stderr, /steps 3→6/);
    assert.deepEqual(readFileSync(file("resumed.safetensors")), readFileSync(file("straight.safetensors")));
  });

  it("--tokenizer bpe:N learns a BPE from the text first: the checkpoint carries it, sample reads it, --resume keeps it", async () => {
    const out = file("bpe.safetensors");
    const r = await tinygpt(
      "train",
      ...common,
      "--corpus",
      "toy",
      "--tokenizer",
      "bpe:290",
      "--steps",
      "2",
      "--out",
      out
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^learned a byte-level BPE of 290 tokens from the text in [\d.]+ s \(pattern gpt2\)$/m);
    const loaded = loadCheckpoint(readFileSync(out));
    const json = loaded.tokenizer!.toJSON();
    assert.deepEqual([json.type, json.type === "bpe" && json.merges.length, loaded.config.vocabSize], ["bpe", 34, 290]);
    assert.equal(JSON.parse(loaded.extra.metadata.training).tokenizer, "bpe:290");
    disposeParams(loaded.params);
    const sampled = await tinygpt(
      "sample",
      "--checkpoint",
      out,
      "--prompt",
      "The dog",
      "--max-tokens",
      "5",
      "--seed",
      "1"
    );
    assert.equal(sampled.status, 0, sampled.stderr);
    assert.match(sampled.stdout, /^The dog/);
    const more = file("bpe-more.safetensors");
    const resumed = await tinygpt(
      "train",
      ...common,
      "--corpus",
      "toy",
      "--steps",
      "4",
      "--resume",
      out,
      "--out",
      more
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /steps 2→4/);
    const again = loadCheckpoint(readFileSync(more));
    assert.deepEqual(again.tokenizer!.toJSON(), json);
    disposeParams(again.params);
    const asChars = [...common, "--corpus", "toy", "--tokenizer", "char", "--steps", "4", "--resume", out];
    await fails(["train", ...asChars, "--out", file("x")], 1, /its tokenizer differs from the data's/);
  });

  it("--tokenizer TOK.json trains on the ids of a tokenizer from tinygpt tokenizer train", async () => {
    const tok = file("tok.json");
    const made = await tinygpt("tokenizer", "train", "--corpus", file("toy.txt"), "--vocab-size", "270");
    assert.equal(made.status, 2); // --pattern and --out are required
    const trained = await tinygpt(
      ...["tokenizer", "train", "--corpus", file("toy.txt"), "--vocab-size", "270", "--pattern", "none", "--out", tok]
    );
    assert.equal(trained.status, 0, trained.stderr);
    const out = file("tok.safetensors");
    const r = await tinygpt(
      "train",
      ...common,
      "--data",
      file("toy.txt"),
      "--tokenizer",
      tok,
      "--steps",
      "2",
      "--out",
      out
    );
    assert.equal(r.status, 0, r.stderr);
    const loaded = loadCheckpoint(readFileSync(out));
    assert.deepEqual(loaded.tokenizer!.toJSON(), JSON.parse(readFileSync(tok, "utf-8")));
    disposeParams(loaded.params);
  });

  it("--weights-only saves no optimizer state, and such a file cannot be resumed", async () => {
    const out = file("weights.safetensors");
    const r = await tinygpt("train", ...common, "--corpus", "toy", "--steps", "2", "--weights-only", "--out", out);
    assert.equal(r.status, 0, r.stderr);
    const loaded = loadCheckpoint(readFileSync(out));
    assert.deepEqual(loaded.extra.tensors, []);
    disposeParams(loaded.params);
    await fails(
      ["train", ...common, "--corpus", "toy", "--steps", "4", "--resume", out, "--out", file("x")],
      1,
      /cannot be resumed/
    );
  });
});

describe("tinygpt eval", {concurrency: true}, () => {
  it("--data reports an untrained model's val loss as about ln(vocabulary), bits per character and per byte", async () => {
    const out = file("init.safetensors");
    const init = await tinygpt(
      "init",
      "--config",
      file("small.json"),
      "--seed",
      "1",
      "--out",
      out,
      "--vocab-from",
      file("toy.txt")
    );
    assert.equal(init.status, 0, init.stderr);
    const r = await tinygpt("eval", "--checkpoint", out, "--data", file("toy.txt"), "--json", "--backend", "cpu");
    assert.equal(r.status, 0, r.stderr);
    const {valLoss, bitsPerChar, bitsPerByte, characters, bytes} = JSON.parse(r.stdout);
    assert.equal(characters, TOY_SENTENCES.length - Math.floor(0.9 * TOY_SENTENCES.length));
    assert.equal(bytes, characters, "the toy sentences are ASCII: one byte per character");
    assert.ok(Math.abs(valLoss - Math.log(23)) < 0.05, `val loss ${valLoss} vs ln 23 = ${Math.log(23)}`); // weights ~0.02
    assert.ok(Math.abs(bitsPerChar - valLoss / Math.LN2) < 1e-9);
    assert.ok(Math.abs(bitsPerByte - (valLoss * characters) / bytes / Math.LN2) < 1e-9);
  });

  it("--task addition scores held-out pairs, overall and per answer position", async () => {
    const out = file("addition.safetensors");
    const args = ["--config", file("small.json"), "--task", "addition", "--steps", "2", "--batch", "8", "--lr", "1e-3"];
    const t = await tinygpt("train", ...args, "--seed", "5", "--backend", "cpu", "--out", out);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, /held-out exact [\d.]+% {2}per position( [\d.]+%){4}/);
    const r = await tinygpt(
      "eval",
      "--checkpoint",
      out,
      "--task",
      "addition",
      "--n",
      "50",
      "--json",
      "--backend",
      "cpu"
    );
    assert.equal(r.status, 0, r.stderr);
    const score = JSON.parse(r.stdout);
    assert.deepEqual([score.task, score.n, score.seed, score.heldOut], ["addition", 50, 5, true]);
    assert.equal(score.perPosition.length, 4);
    assert.ok([score.exact, ...score.perPosition].every((x: number) => x >= 0 && x <= 1));
  });
});

describe("tinygpt train and eval errors", {concurrency: true}, () => {
  const run = ["train", "--preset", "toy", "--steps", "2", "--batch", "2", "--lr", "1e-3", "--seed", "1", "--out", "x"];
  const cases: [string, string[], number, RegExp][] = [
    [
      "a missing --lr",
      run.filter((a) => a !== "--lr" && a !== "1e-3").concat("--corpus", "toy"),
      2,
      /--lr is required/
    ],
    ["two data sources", [...run, "--corpus", "toy", "--task", "addition"], 2, /exactly one of --task/],
    ["an unknown corpus", [...run, "--corpus", "nope"], 2, /unknown corpus "nope"/],
    ["a backend that is not cpu or wasm", [...run, "--corpus", "toy", "--backend", "webgpu"], 2, /--backend/],
    ["a missing text file", [...run, "--data", "/nonexistent.txt"], 1, /no such file/],
    ["eval without a task or data", ["eval", "--checkpoint", "x.safetensors"], 2, /exactly one of --task/],
    ["--tokenizer with the addition task", [...run, "--task", "addition", "--tokenizer", "bpe:300"], 2, /text data/],
    ["--tokenizer bpe:N with N ≤ 256", [...run, "--corpus", "toy", "--tokenizer", "bpe:256"], 2, /more than 256/],
    ["--tokenizer bpe: without a number", [...run, "--corpus", "toy", "--tokenizer", "bpe:x"], 2, /bpe:N/],
    ["--tokenizer bpe:N beyond the text", [...run, "--corpus", "toy", "--tokenizer", "bpe:9000"], 2, /--tokenizer/]
  ];
  for (const [what, args, status, message] of cases) {
    it(`rejects ${what} with one line and status ${status}`, () => fails(args, status, message));
  }
});

describe("progress on stderr", () => {
  /** A stream that records what is written to it. */
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    const stream = {isTTY, columns: 120, write: (text: string) => chunks.push(text) > 0};
    return {chunks, stream: stream as unknown as NodeJS.WriteStream};
  };
  const line = {step: 25, steps: 100, start: 0, elapsed: 30, fields: "loss 1.2345"};

  it("on a terminal, redraws one bar in place with the percentage and an ETA from the pace so far", () => {
    const {chunks, stream} = sink(true);
    const bar = new ProgressBar(stream);
    bar.update(line, true);
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0].startsWith("\r\x1b[2K 25% [#"), JSON.stringify(chunks[0]));
    assert.ok(chunks[0].endsWith(".]  25/100  loss 1.2345  0:30 elapsed, ETA 1:30"), JSON.stringify(chunks[0]));
    bar.log("step 25: val loss 1.1");
    assert.equal(chunks[1], "\r\x1b[2Kstep 25: val loss 1.1\n");
  });

  it("elsewhere, draws no bar; plain lines carry the same fields", () => {
    const {chunks, stream} = sink(false);
    const bar = new ProgressBar(stream);
    bar.update(line, true);
    assert.deepEqual(chunks, []);
    assert.equal(bar.plain(line), "step  25/100  loss 1.2345  0:30 elapsed, ETA 1:30");
  });

  it("clock writes m:ss, and h:mm:ss past an hour", () => {
    assert.deepEqual([clock(5), clock(754), clock(3723)], ["0:05", "12:34", "1:02:03"]);
  });
});
