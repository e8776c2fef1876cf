// Bad input and faults through the real bin (docs/errors.md): one line on stderr, a non-zero status, nothing lost.
import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../src/gpt/checkpoint.js";
import {loadOptimizer} from "../../src/gpt/checkpointOptim.js";
import {encodeSafetensors} from "../../src/gpt/safetensors.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {disposeParams, namedParams} from "../../src/gpt/params.js";
import {fails, tinygpt} from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-robust-"));
const file = (name: string) => join(dir, name);
const small = ["--config", file("small.json"), "--batch", "4", "--seed", "3", "--backend", "cpu"];
const train = (...args: string[]) => ["train", ...small, "--steps", "4", "--out", file("out.safetensors"), ...args];

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
  writeFileSync(file("small.json"), JSON.stringify({vocabSize: 1, blockSize: 12, nLayer: 1, nHead: 2, nEmbd: 16}));
  writeFileSync(file("toy.txt"), TOY_SENTENCES);
  writeFileSync(file("empty.txt"), "");
  writeFileSync(file("one.txt"), "a");
  writeFileSync(file("image.png"), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  writeFileSync(file("latin1.txt"), Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café" in Latin-1
  writeFileSync(file("huge.txt"), new Uint8Array(10_000_001).fill(0x61));
  writeFileSync(file("f16.safetensors"), halfPrecision());
});
after(() => rmSync(dir, {recursive: true, force: true}));

/** A valid safetensors file whose one tensor is F16: readable by other tools, refused here by dtype. */
function halfPrecision(): Uint8Array {
  const bytes = encodeSafetensors([{name: "w", shape: [2], data: new Float32Array([1, 2])}], {config: "{}"});
  const text = new TextDecoder().decode(bytes);
  return new TextEncoder().encode(text.replace('"F32"', '"F16"'));
}

describe("tinygpt refuses bad text, sizes and checkpoints with one line", {concurrency: true}, () => {
  const cases: [string, () => string[], number, RegExp][] = [
    ["an empty text", () => train("--data", file("empty.txt"), "--lr", "1e-3"), 1, /empty.txt is empty/],
    [
      "a one-character text",
      () => train("--data", file("one.txt"), "--lr", "1e-3"),
      1,
      /one.txt: the train split has 0 characters, too few for windows of blockSize \+ 1 = 13/
    ],
    [
      "a binary file as text",
      () => train("--data", file("image.png"), "--lr", "1e-3"),
      1,
      /image.png is not text: it has a NUL byte at offset 8/
    ],
    [
      "a text that is not UTF-8",
      () => ["init", "--preset", "toy", "--seed", "1", "--out", file("x"), "--vocab-from", file("latin1.txt")],
      1,
      /latin1.txt is not text: it is not valid UTF-8/
    ],
    [
      "a text over the size limit",
      () => ["eval", "--checkpoint", file("x"), "--data", file("huge.txt")],
      1,
      /huge.txt is 10 MB, over the 10 MB limit for a text/
    ],
    [
      "a model whose training memory exceeds the default budget",
      () =>
        ["train", "--preset", "shakespeare-char", "--corpus", "fables", "--steps", "1", "--batch", "64"].concat([
          "--lr",
          "1e-3",
          "--seed",
          "1",
          "--backend",
          "cpu",
          "--out",
          file("big")
        ]),
      1,
      /training needs about [\d.]+ GB .* activations [\d.]+ GB for batch 64 × 256 tokens\), over the 2 GB budget/
    ],
    [
      "a run over a smaller --memory-budget",
      () => train("--corpus", "toy", "--lr", "1e-3", "--memory-budget", "0.0005"),
      1,
      /training needs about [\d.]+ MB .* over the 0.5 MB budget: use a smaller model or batch \(or raise --memory-budget\)/
    ],
    ["a --memory-budget of 0", () => train("--corpus", "toy", "--lr", "1e-3", "--memory-budget", "0"), 2, /> 0/],
    [
      "a checkpoint of another dtype",
      () => ["forward", "--checkpoint", file("f16.safetensors"), "--tokens", "1"],
      1,
      /f16.safetensors: tensor w has dtype "F16", only "F32" is supported/
    ],
    [
      "a truncated checkpoint",
      () => ["sample", "--checkpoint", file("truncated.safetensors"), "--prompt", "a", "--max-tokens", "1"],
      1,
      /truncated.safetensors: file truncated: the header describes \d+ bytes of data, the file holds \d+/
    ]
  ];
  before(() => {
    const good = new Uint8Array(readFileSync("data/checkpoints/addition.safetensors"));
    writeFileSync(file("truncated.safetensors"), good.subarray(0, good.length - 100));
  });
  for (const [what, args, status, message] of cases) {
    it(`refuses ${what} (status ${status})`, () => fails(args(), status, message));
  }
});

describe("tinygpt train stops on a non-finite loss", () => {
  it("prints one error line, exits 1 and keeps the checkpoint of the last finite step", async () => {
    // lr 1e25: the first update sends the weights to ±1e25 and the second step's loss is NaN.
    const out = file("nan.safetensors");
    const r = await tinygpt("train", ...small, "--corpus", "toy", "--steps", "20", "--lr", "1e25", "--out", out);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.filter((l) => l.startsWith("tinygpt:")).length, 1);
    assert.match(
      lines.at(-1)!,
      /^tinygpt: error: the loss or the gradient norm is not finite at step 2: stopped, keeping the weights after step 1; wrote .*nan.safetensors$/
    );
    assert.ok(existsSync(out));
    const loaded = loadCheckpoint(readFileSync(out));
    const {optimizer} = loadOptimizer(loaded)!;
    assert.equal(optimizer.step, 1);
    for (const {name, variable} of namedParams(loaded.params)) {
      assert.ok((await variable.data()).every(Number.isFinite), `${name} is finite`);
    }
    optimizer.dispose();
    disposeParams(loaded.params);
  });

  it("a lr that only makes the loss large (10) is not an error: the run finishes", async () => {
    const r = await tinygpt(...train("--corpus", "toy", "--lr", "10"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^finished at step 4/);
  });
});
