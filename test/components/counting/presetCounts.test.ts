import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {COUNT_ONLY, PRESETS, PRESET_NOTES, type PresetName} from "../../../src/gpt/presets.js";
import {countParams} from "../../../src/gpt/count.js";
import {
  PUBLISHED,
  formatBytes,
  formatMB,
  instantiate,
  matches,
  offBy,
  memory,
  presetRows,
  type PresetRow,
  publishedMark,
  shapeOf,
  withSwitches
} from "../../../src/components/counting/presetCounts.js";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const NAMES = Object.keys(PRESETS) as PresetName[];

describe("presetCounts", () => {
  it("withSwitches leaves a preset alone when every switch is 'as is', and drops a head bias when tying", () => {
    for (const name of NAMES)
      assert.deepEqual(
        withSwitches(PRESETS[name], {head: "as is", biases: "as is", positional: "as is"}),
        PRESETS[name]
      );
    const toy = withSwitches(PRESETS.toy, {head: "tied", biases: "as is", positional: "as is"});
    assert.equal(toy.tieWeights, true);
    assert.equal(toy.headBias, false);
    const untied = withSwitches(PRESETS.gpt2, {head: "untied", biases: "as is", positional: "as is"});
    assert.equal(countParams(untied).total - countParams(PRESETS.gpt2).total, 50257 * 768);
  });

  it("GPT-3's rounded sizes: the formula lands within 2% of each, and the paper's figure is the count rounded but for 350M", () => {
    const gpt3 = presetRows().filter((r) => r.name.startsWith("gpt3"));
    assert.equal(gpt3.length, 8);
    for (const r of gpt3) {
      assert.ok(Math.abs(offBy(r.total, r.published!)) < 0.02, `${r.name}: ${r.total} vs ${r.published!.figure}`);
      assert.equal(matches(r.total, r.published!), r.name !== "gpt3-medium", r.name);
    }
  });

  it("the published figures match countParams under the convention they are listed with", () => {
    assert.equal(countParams(PRESETS.addition).excludingPositions, 200_832);
    assert.equal(countParams(PRESETS.addition).total, 201_600);
    assert.equal(countParams(PRESETS["tiny-decoder"]).total, 20_712);
    assert.equal(countParams(PRESETS["gpt-notebook"]).total, 5_846_528);
    assert.equal(countParams(PRESETS.gpt2).total, 124_439_808);
    for (const row of presetRows()) {
      const p = PUBLISHED[row.name];
      if (!p) continue;
      if (row.name === "gpt3-medium") continue; // the paper's "350M" for 355.9M: checked above
      assert.ok(matches(row[p.convention], p), `${row.name}: ${row[p.convention]} vs ${p.figure}`);
      const other = p.convention === "total" ? "excludingPositions" : "total";
      if (row.total !== row.excludingPositions && p.step === 1) assert.ok(!matches(row[other], p));
      assert.ok(PRESET_NOTES[row.name].length > 0);
    }
  });

  it("instantiate(config) builds exactly countParams(config).total numbers and frees them", () => {
    for (const name of NAMES.filter((n) => !COUNT_ONLY.has(n) && countParams(PRESETS[n]).total < 1e6)) {
      const before = tf.memory().numTensors;
      const built = instantiate(PRESETS[name]);
      assert.equal(built.parameters, countParams(PRESETS[name]).total, name);
      assert.equal(built.bytes, 4 * built.parameters, name);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
    }
    assert.throws(() => instantiate(PRESETS.gpt2), /count only/);
  });

  it("memory(n) is 4 bytes per weight, per gradient, and 8 for AdamW's m and v", () => {
    assert.deepEqual(memory(1000), {weights: 4000, gradients: 4000, adam: 8000, total: 16000});
  });

  it("the presets table's cells: the shape, the published figure checked against its count, megabytes", () => {
    const rows = presetRows();
    const row = (name: PresetName) => rows.find((r) => r.name === name)!;
    assert.equal(shapeOf(PRESETS.gpt2).replace(/\u00a0/g, " "), "50257 · 1024 · 12 · 768 · 3072");
    assert.deepEqual(shapeOf(PRESETS.gpt2).split(" "), [
      "50257\u00a0·\u00a01024",
      "·",
      "12\u00a0·\u00a0768\u00a0·\u00a03072"
    ]);
    const mark = (r: PresetRow) => publishedMark(r).replace(/\u00a0/g, " ");
    assert.equal(mark(row("gpt2")), "124,439,808 ✓");
    assert.equal(mark(row("shakespeare-char")), "10.65M ✓ −0.030%");
    assert.equal(mark(row("gpt3-medium")), "350M ✗ +1.7%", "355.9M does not round to the paper's 350M");
    assert.equal(mark(row("gpt3-175b")), "175B ✓ −0.2%");
    assert.equal(publishedMark(row("gpt3-175b")).split(" ").length, 2, "the figure and its mark stay together");
    assert.equal(mark({...row("gpt2"), total: 124_439_807}), "124,439,808 ✗");
    assert.equal(mark(row("toy")), "—");
    assert.equal(formatMB(1_991_036_928, 1), "1,991");
    assert.equal(formatMB(1_234_567, 3), "1.235");
    assert.equal(formatMB(497_759_232, 0), "498");
    assert.equal(formatBytes(2_793_668_149_248), "2.79 TB");
    assert.equal(formatBytes(1_991_036_928), "1.99 GB");
    assert.equal(formatBytes(647_000), "647 kB");
    assert.equal(formatBytes(12), "0.012 kB");
  });
});
