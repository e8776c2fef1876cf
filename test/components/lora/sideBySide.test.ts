import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {bytesPair, countRows, formatBytes} from "../../../src/components/lora/loraCounts.js";
import {baseOf, describeText, newText, type Base} from "../../../src/components/lora/loraData.js";
import {adapterFile, mergeRun, mergedFile, reloadAdapter} from "../../../src/components/lora/loraFiles.js";
import {insideRun, moduleNames} from "../../../src/components/lora/loraInspect.js";
import {History, SideBySide, finishedRun, type RunState} from "../../../src/components/lora/sideBySide.js";
import {loadCheckpoint} from "../../../src/gpt/checkpoint.js";
import {LORA_TARGETS, loraCount} from "../../../src/gpt/lora.js";
import {disposeParams} from "../../../src/gpt/params.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const fables = {choice: "fables", text: null, origin: null};
const choice = {source: fables, r: 2, alpha: 4, targets: ["attn.c_attn"] as const, steps: 3, batchSize: 2};
const settings = {...choice, loraLr: 1e-2, fullLr: 1e-3, evalEvery: 2, seed: 1};
let base: Base;

before(async () => {
  base = await baseOf(new Uint8Array(readFileSync("data/checkpoints/shakespeare.safetensors")), "shakespeare");
});

describe("chapter 11's components", () => {
  it("countRows: the base first, then GPT-2's sizes; LoRA's share shrinks as the model grows", () => {
    const rows = countRows(base.config, {r: 4, targets: LORA_TARGETS});
    assert.deepEqual(
      rows.map((r) => r.id),
      ["base", "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"]
    );
    assert.equal(rows[0].lora, 32_768);
    assert.equal(rows[0].total, 804_096);
    assert.equal(rows[0].loraState, 8 * 32_768);
    assert.equal(rows[0].fullFile, 4 * 804_096);
    assert.ok(rows.every((r, i) => i === 0 || r.share < rows[i - 1].share));
    assert.equal(formatBytes(rows[0].fullFile), "3.22 MB");
    assert.equal(bytesPair(6_432_768, 262_144), "6.43 MB / 262.1 kB");
  });

  it("newText puts the fables into the base's vocabulary and says what changed", () => {
    const text = newText(fables, base, 32, 1);
    assert.equal(text.fitted.replaced[0].char, '"');
    assert.match(
      describeText(text),
      /^the fables: [\d,]+ characters to train on, [\d,]+ held out\. Outside the model's vocabulary: "\\"" became "'" \([\d,]+×\)\.$/
    );
  });

  it("a run trains both side by side, then merges, saves, reloads and samples; disposing frees every tensor", async () => {
    const start = tf.memory().numTensors;
    const run = await SideBySide.start(base, settings);
    assert.throws(() => finishedRun(run, null), /fine-tune first/);
    const states: RunState[] = [];
    for await (const state of run.run()) states.push(state);
    const last = states.at(-1)!;
    assert.deepEqual(
      states.map((s) => s.step),
      [0, 1, 2, 3]
    );
    assert.ok(last.done && !states[2].done);
    assert.deepEqual(last.lora.steps, [0, 2, 3]);
    assert.equal(last.lora.trainable, loraCount(base.config, {...choice, dropout: 0, layers: null}));
    assert.equal(last.full.trainable, 804_096);
    assert.equal(last.lora.newText[0], last.full.newText[0], "both start from the base");
    assert.equal(finishedRun(run, last), run);

    assert.deepEqual(
      moduleNames(run.adapter),
      [0, 1, 2, 3].map((i) => `transformer.h.${i}.attn.c_attn`)
    );
    const look = await insideRun(run, "transformer.h.1.attn.c_attn");
    assert.deepEqual([look.w.length, look.w[0].length, look.delta.length, look.delta[0].length], [128, 384, 128, 384]);
    assert.ok(
      look.deltaValues.slice(2).every((s) => s < 1e-4 * look.deltaValues[0]),
      "rank ≤ r = 2"
    );

    assert.throws(() => mergedFile(run), /merge first/);
    const merged = await mergeRun(run, base);
    assert.ok(merged.relative <= 1e-5 && merged.fromBase > 0);
    const reopened = loadCheckpoint(mergedFile(run).bytes); // an ordinary checkpoint of the base's shape
    assert.deepEqual(reopened.config, base.config);
    disposeParams(reopened.params);
    const adapter = await adapterFile(run, base);
    assert.equal(adapter.name, "lora-r2.safetensors");
    assert.equal((await reloadAdapter(run, base, adapter.bytes)).max, 0);
    await assert.rejects(reloadAdapter(run, base, base.bytes), /not a LoRA adapter file/);

    const written = await run.samples("\n", 12, 1);
    assert.deepEqual(
      written.map((w) => [w.key, w.text.length]),
      [
        ["base", 12],
        ["lora", 12],
        ["full", 12]
      ]
    );
    const history = new History();
    assert.equal(history.add(1, run, last).length, 1);
    assert.equal(history.add(1, run, last).length, 1, "a run is added once");
    assert.equal(history.add(2, run, states[1]).length, 1, "an unfinished run is not added");
    run.dispose();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(tf.memory().numTensors, start);
  });

  it("disposing a run mid-way stops it after the update in progress and frees everything", async () => {
    const start = tf.memory().numTensors;
    const run = await SideBySide.start(base, {...settings, steps: 50});
    const seen: number[] = [];
    for await (const state of run.run()) {
      seen.push(state.step);
      if (state.step === 1) run.dispose();
    }
    assert.deepEqual(seen, [0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(tf.memory().numTensors, start);
  });
});
