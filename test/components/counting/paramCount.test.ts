import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {PRESETS, type PresetName} from "../../../src/gpt/presets.js";
import {countParams} from "../../../src/gpt/count.js";
import {
  componentRows,
  components,
  formula,
  groups,
  scaling,
  texCount
} from "../../../src/components/counting/paramCount.js";
import {withSwitches} from "../../../src/components/counting/presetCounts.js";

before(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const NAMES = Object.keys(PRESETS) as PresetName[];

describe("paramCount", () => {
  it("components(config) sum to countParams(config).total for every preset and every switch", () => {
    for (const name of NAMES) {
      for (const head of ["as is", "tied", "untied"] as const) {
        for (const biases of ["as is", "all", "none"] as const) {
          for (const positional of ["as is", "learned", "sinusoidal"] as const) {
            const config = withSwitches(PRESETS[name], {head, biases, positional});
            const sum = components(config).reduce((a, c) => a + c.count, 0);
            assert.equal(sum, countParams(config).total, `${name} ${head} ${biases} ${positional}`);
            assert.equal(
              groups(config).reduce((a, g) => a + g.value, 0),
              sum
            );
          }
        }
      }
    }
  });

  it("formula(config) names the components, then gives their counts (per block inside L(…)), then the total", () => {
    const tex = formula(PRESETS.gpt2);
    assert.match(tex, /L\\,\\big\(\\text\{attn\} \+ \\text\{MLP\} \+ \\text\{LN\}\\big\)/);
    assert.match(tex, /= 38\{,\}597\{,\}376 \+ 786\{,\}432 \+ 12\\,\\big\(2\{,\}362\{,\}368 \+/);
    assert.ok(tex.endsWith("124{,}439{,}808"));
    const gpt2Wte = components(PRESETS.gpt2)[0];
    assert.equal(gpt2Wte.numbers, "50{,}257 \\cdot 768");
    assert.equal(components(PRESETS.tinygpt)[1].numbers, "0");
  });

  it("componentRows(config) writes the block parts as L × (…), with the numbers, and ends with the total", () => {
    const rows = componentRows(PRESETS.gpt2);
    assert.deepEqual(
      rows.map((r) => r.key),
      ["wte", "wpe", "attention", "mlp", "ln", "lnF", "head", "total"]
    );
    const attention = rows.find((r) => r.key === "attention")!;
    assert.equal(attention.formula, "L \\times (C \\cdot 3C + 3C + C \\cdot C + C)");
    assert.equal(attention.numbers, "12 \\times (768 \\cdot 2{,}304 + 2{,}304 + 768 \\cdot 768 + 768)");
    assert.equal(rows[0].formula, "V \\cdot C", "a part counted once is not multiplied");
    assert.deepEqual(rows.at(-1), {key: "total", label: "total", formula: "", numbers: "", count: 124_439_808});
    assert.equal(
      rows.slice(0, -1).reduce((a, r) => a + r.count, 0),
      124_439_808
    );
    assert.equal(texCount(124_439_808), "124{,}439{,}808");
  });

  it("scaling(config, widths, layers) gives one series per nLayer, growing with the width", () => {
    const series = scaling(PRESETS.gpt2, [384, 768], [6, 12]);
    assert.deepEqual(
      series.map((s) => s.name),
      ["nLayer 6", "nLayer 12"]
    );
    assert.equal(series[1].values[1], countParams(PRESETS.gpt2).total);
    assert.ok(series[0].values[0] < series[0].values[1]);
  });
});
