import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as tf from "@tinygpt/tf";
import {initBackend} from "../../src/gpt/backend.js";
import {saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {makeConfig} from "../../src/gpt/config.js";
import {forward} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";
import {randomise} from "../helpers/tf.js";
import {tinygpt} from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tinygpt-sample-"));
const checkpoint = join(dir, "model.safetensors");
const noTokenizer = join(dir, "no-tokenizer.safetensors");
const tokenizer = CharTokenizer.fromText("the quick brown fox jumps over a lazy dog.\n");
// An untied head: with a tied one, a random model's greedy text repeats one character from the start.
const config = makeConfig({
  vocabSize: tokenizer.vocabSize,
  blockSize: 16,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  tieWeights: false
});
const sample = (...args: string[]) => tinygpt("sample", "--checkpoint", checkpoint, ...args);
let greedy40 = ""; // "the" + 40 greedy characters, decoded in this process on the CLI's backend

before(async () => {
  await initBackend(); // the same choice as the CLI's, so greedy ties break alike
  const params = initParams(config, 3);
  namedParams(params).forEach(({variable}, i) => randomise(variable, 50 + i, 0.8));
  writeFileSync(checkpoint, saveCheckpoint(params, tokenizer));
  writeFileSync(noTokenizer, saveCheckpoint(params, null));
  // Reference greedy decoding: a full forward pass over the last blockSize ids for every new character.
  const ids = tokenizer.encode("the");
  for (let i = 0; i < 40; i++) {
    const window = ids.slice(-config.blockSize);
    const idx = tf.tensor2d([window], [1, window.length], "int32");
    const logits = forward(params, idx);
    const last = (await logits.array())[0][window.length - 1];
    tf.dispose([idx, logits]);
    ids.push(last.indexOf(Math.max(...last)));
  }
  greedy40 = tokenizer.decode(ids);
  disposeParams(params);
});
after(() => rmSync(dir, {recursive: true, force: true}));

describe("tinygpt sample", {concurrency: true}, () => {
  it("sample --greedy prints the prompt and its greedy continuation, sliding past blockSize", async () => {
    const r = await sample("--prompt", "the", "--max-tokens", "40", "--greedy");
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout, greedy40 + "\n");
    assert.ok(new Set(greedy40.slice(3)).size >= 2, `a varied continuation: ${JSON.stringify(greedy40)}`);
  });

  it("sample --no-kv-cache prints the same text as with the cache (greedy and seeded top-k)", async () => {
    for (const rules of [["--greedy"], ["--top-k", "5", "--temperature", "1.2", "--seed", "4"]]) {
      const args = ["--prompt", "a lazy", "--max-tokens", "30", ...rules];
      const [cached, uncached] = await Promise.all([sample(...args), sample(...args, "--no-kv-cache")]);
      assert.equal(cached.status, 0, cached.stderr);
      assert.equal(uncached.stdout, cached.stdout, rules.join(" "));
    }
  });

  it("sample with the same --seed prints the same text, and another seed another text", async () => {
    const args = ["--prompt", "fox", "--max-tokens", "40", "--temperature", "2"];
    const [a, b, c] = await Promise.all([
      sample(...args, "--seed", "1"),
      sample(...args, "--seed", "1"),
      sample(...args, "--seed", "2")
    ]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.notEqual(a.stdout, c.stdout);
    assert.ok(a.stdout.startsWith("fox") && a.stdout.length === 3 + 40 + 1);
  });

  it("sample --beam W and --top-p print the prompt and --max-tokens characters of the vocabulary", async () => {
    for (const rules of [
      ["--beam", "3"],
      ["--top-p", "0.9"]
    ]) {
      const r = await sample("--prompt", "dog", "--max-tokens", "20", ...rules);
      assert.equal(r.status, 0, r.stderr);
      assert.equal([...r.stdout].length, 3 + 20 + 1);
      assert.ok(r.stdout.startsWith("dog"));
      assert.ok([...r.stdout].every((ch) => tokenizer.vocab.includes(ch)));
    }
  });

  const failures: [string, string[], number, RegExp][] = [
    ["an unknown character in the prompt", ["--prompt", "thé", "--max-tokens", "3"], 1, /--prompt: character "é"/],
    [
      "a checkpoint without a tokenizer",
      ["--prompt", "a", "--max-tokens", "3", "--checkpoint", noTokenizer],
      1,
      /no tokenizer/
    ],
    ["a missing file", ["--prompt", "a", "--max-tokens", "3", "--checkpoint", join(dir, "nope")], 1, /no such file/],
    ["no --max-tokens", ["--prompt", "a"], 2, /--max-tokens is required/],
    ["an empty --prompt", ["--prompt", "", "--max-tokens", "3"], 2, /--prompt is required/],
    [
      "--max-tokens abc",
      ["--prompt", "a", "--max-tokens", "abc"],
      2,
      /--max-tokens \("abc"\) must be a non-negative integer/
    ],
    [
      "--top-p 1.5",
      ["--prompt", "a", "--max-tokens", "3", "--top-p", "1.5"],
      2,
      /--top-p \("1.5"\) must be a number in \(0, 1\]/
    ],
    ["--temperature -1", ["--prompt", "a", "--max-tokens", "3", "--temperature", "-1"], 2, /--temperature/],
    [
      "--top-k 0",
      ["--prompt", "a", "--max-tokens", "3", "--top-k", "0"],
      2,
      /--top-k \("0"\) must be a positive integer/
    ],
    ["--beam 0", ["--prompt", "a", "--max-tokens", "3", "--beam", "0"], 2, /--beam \("0"\) must be a positive integer/],
    [
      "--greedy with --temperature",
      ["--prompt", "a", "--max-tokens", "3", "--greedy", "--temperature", "2"],
      2,
      /--greedy cannot be combined with --temperature/
    ],
    [
      "--beam with --top-p",
      ["--prompt", "a", "--max-tokens", "3", "--beam", "2", "--top-p", "0.5"],
      2,
      /--beam cannot be combined with --top-p/
    ],
    ["an unknown option", ["--prompt", "a", "--max-tokens", "3", "--topk", "3"], 2, /--topk/]
  ];
  for (const [what, args, status, message] of failures) {
    it(`sample with ${what} fails with one line on stderr and status ${status}`, async () => {
      const r = await sample(...args);
      assert.equal(r.status, status, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^tinygpt: error: [^\n]+\n$/);
      assert.match(r.stderr, message);
    });
  }

  it("tinygpt help sample prints the exact flags", async () => {
    const r = await tinygpt("help", "sample");
    assert.equal(r.status, 0);
    for (const flag of ["--checkpoint", "--prompt", "--max-tokens", "--temperature", "--top-k", "--top-p"]) {
      assert.match(r.stdout, new RegExp(`${flag} `));
    }
    for (const flag of ["--beam", "--greedy", "--seed", "--no-kv-cache"]) assert.match(r.stdout, new RegExp(flag));
  });
});
