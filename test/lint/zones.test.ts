import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {ESLint} from "eslint";

// The project's eslint.config.js, applied to code strings at fake paths inside each zone (nothing is written).
const eslint = new ESLint();

async function restricted(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = 1;\n`, {filePath: path});
  assert.ok(result, `no lint result for ${path}`);
  assert.deepEqual(
    result.messages.filter((m) => m.fatal),
    [],
    `${path} must parse and must not be ignored by the config`
  );
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

/** [file in the zone, an import it must not make, an import it may make] */
const CASES: [string, string, string][] = [
  ["src/views/zone.ts", 'import {tf} from "../components/runtime.js";', 'import {html} from "htl";'],
  ["src/views/zone.ts", 'import {forward} from "../gpt/model.js";', 'import {legend} from "./legend.js";'],
  ["src/views/deep/zone.ts", 'import type {GPTConfig} from "../../gpt/config.js";', 'import * as d3 from "d3";'],
  ["src/views/zone.ts", 'import * as tf from "@tinygpt/tf";', 'import {heatmap} from "./heatmap.js";'],
  ["src/inputs/zone.ts", 'import * as tf from "@tensorflow/tfjs-core";', 'import {html} from "htl";'],
  [
    "src/inputs/zone.ts",
    'export {tf} from "../../src/components/runtime.js";',
    'import {bars} from "../views/bars.js";'
  ],
  ["src/gpt/zone.ts", 'import {html} from "htl";', 'import * as tf from "@tinygpt/tf";'],
  ["src/gpt/zone.ts", 'import * as d3 from "d3";', 'import {makeConfig} from "./config.js";'],
  ["src/gpt/zone.ts", 'import {scaleLinear} from "d3-scale";', 'import {hashString} from "./random.js";'],
  ["src/gpt/zone.ts", 'import * as Inputs from "@observablehq/inputs";', 'import {sample} from "./sample.js";'],
  [
    "src/gpt/data/zone.ts",
    'import {expose} from "../../components/testHooks.js";',
    'import {IGNORE_INDEX} from "../loss.js";'
  ],
  ["src/gpt/zone.ts", 'import {heatmap} from "../views/heatmap.js";', 'import {forward} from "./model.js";'],
  ["src/gpt/zone.ts", 'import {stepper} from "../inputs/stepper.js";', 'import {forward} from "./model.js";'],
  [
    "bench/zone.ts",
    'import {launch} from "../test/browser/harness.js";',
    'import {launch} from "../scripts/browser/chromium.js";'
  ],
  ["scripts/zone.ts", 'import {useCpu} from "../test/helpers/tf.js";', 'import {serve} from "./serve.js";'],
  ["cli/zone.ts", 'import {tf} from "../src/components/runtime.js";', 'import {forward} from "../src/gpt/model.js";'],
  ["cli/zone.ts", 'import {heatmap} from "../src/views/heatmap.js";', 'import {preset} from "../src/gpt/presets.js";'],
  ["cli/zone.ts", 'import {stepper} from "../src/inputs/stepper.js";', 'import {parseArgs} from "node:util";'],
  ["src/components/step/zone.ts", 'import {x} from "../training/session.js";', 'import {x} from "../page/runtime.js";'],
  [
    "src/components/training/zone.ts",
    'import {x} from "../generation/x.js";',
    'import {x} from "../checkpoints/x.js";'
  ],
  ["src/components/generation/zone.ts", 'import {x} from "../training/x.js";', 'import {x} from "../reader/x.js";'],
  [
    "src/components/tokenizers/zone.ts",
    'import {x} from "../counting/x.js";',
    'import {x} from "../../gpt/tokenizer.js";'
  ],
  ["src/components/counting/zone.ts", 'import {x} from "../../components/lora/x.js";', 'import {x} from "./x.js";'],
  ["src/components/lora/deep/zone.ts", 'import {x} from "../../step/x.js";', 'import {x} from "../../page/x.js";'],
  ["src/components/lora/zone.ts", 'import {x} from "../tokenizers/x.js";', 'import {x} from "../../views/bars.js";'],
  ["src/components/page/zone.ts", 'import {x} from "../training/x.js";', 'import {x} from "../../gpt/backend.js";'],
  ["src/components/reader/zone.ts", 'import {x} from "../step/x.js";', 'import {x} from "../page/testHooks.js";'],
  [
    "src/components/checkpoints/zone.ts",
    'import {x} from "../generation/x.js";',
    'import {x} from "../reader/readerModel.js";'
  ]
];

describe("import zones (eslint.config.js, npm run lint)", () => {
  for (const [path, forbidden, allowed] of CASES) {
    it(`${path}: reports «${forbidden}»`, async () => {
      const messages = await restricted(path, forbidden);
      assert.equal(messages.length, 1, `expected one no-restricted-imports error, got ${JSON.stringify(messages)}`);
      assert.match(messages[0]!, /never/);
    });
    it(`${path}: allows «${allowed}»`, async () => {
      assert.deepEqual(await restricted(path, allowed), []);
    });
  }

  it("src/components/<chapter>/: a chapter's own files and the layers below are allowed, another chapter's are not", async () => {
    assert.deepEqual(await restricted("src/components/step/a.ts", 'import {b} from "./b.js";'), []);
    assert.deepEqual(await restricted("src/components/step/a.ts", 'import {s} from "../../gpt/training.js";'), []);
    assert.equal((await restricted("src/components/step/a.ts", 'import {t} from "../training/t.js";')).length, 1);
  });

  it("files outside every zone (pages' modules, tests) are not restricted", async () => {
    assert.deepEqual(await restricted("src/components/runtime2.ts", 'import * as tf from "@tinygpt/tf";'), []);
    assert.deepEqual(await restricted("test/zone.test.ts", 'import {x} from "../src/components/x.js";'), []);
  });
});
