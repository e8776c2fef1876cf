import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {checkPages, format} from "../../scripts/pages/check.js";
import type {Problem} from "../../scripts/pages/cells.js";

// Pages that exist only here, at paths under src/ so that their imports resolve to the real modules.
const BROKEN = `---
title: A broken page
---

\`\`\`js
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {CharTokenizer} from "./gpt/tokenizer.js";
import {noSuchExport} from "./gpt/model.js";
import {heatmap} from "./gpt/no-such-module.js";
\`\`\`

# Broken

\`\`\`js
const tokenizer = CharTokenizer.fromText(42);
\`\`\`

\`\`\`js
const n = view(Inputs.range([0, 10], {step: 1, value: 3}));
\`\`\`

The count: \${n.toUpperCase()} and \${undefinedInProse}.

\`\`\`js
d3.range(n)
\`\`\`

\`\`\`js
const unused = n + 1;
html\`<p>\${tokenizer.vocabSize} \${noSuchExport} \${heatmap}</p>\`
\`\`\`

\`\`\`js
const broken = (;
\`\`\`

\`\`\`js
const long = "${"x".repeat(130)}";
display(long);
\`\`\`

\`\`\`js
const unused = 2;
\`\`\`

\`\`\`js
import {csvParse} from "npm:d3-dsv";
display(csvParse);
\`\`\`
`;

const CLEAN = `---
title: A clean page
---

\`\`\`js
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {CharTokenizer} from "./gpt/tokenizer.js";
\`\`\`

\`\`\`js
html\`<p>\${tokenizer.vocabSize} tokens, \${n.toFixed(0)} chosen</p>\`
\`\`\`

\`\`\`js
const n = view(Inputs.range([0, 10], {step: 1, value: 3}));
const tokenizer = CharTokenizer.fromText("hello");
\`\`\`

Prose reads a cell's value: \${tokenizer.decode([0, 1])}, \${width} pixels wide.

\`\`\`js
const progress = Generators.observe((/** @type {(value: number) => void} */ notify) => notify(1));
\`\`\`

\`\`\`js
const ids = await Promise.resolve([1, 2, 3]);
\`\`\`

\`\`\`js
display(ids.map((id) => id + progress))
\`\`\`

\`\`\`js
const again = (progress, ids.length);
display(again)
\`\`\`
`;

let broken: Problem[];
let clean: Problem[];

before(async () => {
  const problems = await checkPages(
    [
      {path: "src/__broken.md", text: BROKEN},
      {path: "src/__clean.md", text: CLEAN}
    ],
    {maxCellLine: 120}
  );
  broken = problems.filter((p) => p.path === "src/__broken.md");
  clean = problems.filter((p) => p.path === "src/__clean.md");
});

/** The problems reported on a page line, as "source: message". */
const at = (line: number) => broken.filter((p) => p.line === line).map((p) => `${p.source}: ${p.message}`);

describe("scripts/pages/check.ts: the code of pages is type-checked and linted at its page line", () => {
  it("a missing export and a missing module are reported on their import's line", () => {
    assert.match(at(9).join("\n"), /ts2305: Module .*model\.js.* has no exported member 'noSuchExport'/);
    assert.match(at(10).join("\n"), /ts2307: Cannot find module '\.\/gpt\/no-such-module\.js'/);
  });

  it("a wrong argument type is reported on its line, with the real module's signature", () => {
    assert.match(
      at(16).join("\n"),
      /ts2345: Argument of type 'number' is not assignable to parameter of type 'string'/
    );
  });

  it("another cell reads a view's value (a number), not its generator", () => {
    assert.match(at(23).join("\n"), /ts2339: Property 'toUpperCase' does not exist on type 'number'/);
  });

  it("an undefined name is reported in prose expressions and in cells (d3 is not an implicit global)", () => {
    assert.match(at(23).join("\n"), /ts2304: Cannot find name 'undefinedInProse'/);
    assert.match(at(26).join("\n"), /ts2304: Cannot find name 'd3'/);
  });

  it("columns point at the expression in the prose line", () => {
    const prose = broken.filter((p) => p.line === 23 && p.source === "ts2304");
    assert.equal(prose[0]?.column, BROKEN.split("\n")[22]!.indexOf("undefinedInProse") + 1);
  });

  it("ESLint's rules apply: an unused variable is reported", () => {
    assert.match(at(30).join("\n"), /@typescript-eslint\/no-unused-vars: 'unused' is assigned a value but never used/);
  });

  it("an expression after statements, which Framework would not display, is reported", () => {
    assert.match(at(31).join("\n"), /@typescript-eslint\/no-unused-expressions/);
  });

  it("a syntax error is reported as Framework reports it, on its line", () => {
    assert.match(at(35).join("\n"), /framework: Unexpected token/);
  });

  it("a name defined in two cells is reported, as Framework refuses it", () => {
    assert.ok(
      at(44).includes("framework: unused is defined more than once (first in the cell at line 30)"),
      `${at(44)}`
    );
  });

  it("an import from another host (npm:, jsr:, http:) is refused", () => {
    assert.match(at(48).join("\n"), /no-restricted-imports: .*pages import from node_modules: never from another host/);
  });

  it("with a maximum, a longer cell line is reported; without one, it is not", async () => {
    assert.match(at(39).join("\n"), /line-length: line is 146 characters, more than 120/);
    const unchecked = await checkPages([{path: "src/__broken.md", text: BROKEN}], {maxCellLine: null});
    assert.equal(unchecked.filter((p) => p.source === "line-length").length, 0);
  });

  it("reports nothing else: every problem of the broken page is one of the above", () => {
    assert.deepEqual(
      [...new Set(broken.map((p) => p.line))].sort((a, b) => a - b),
      [9, 10, 16, 23, 26, 30, 31, 35, 39, 44, 48],
      broken.map(format).join("\n")
    );
  });

  it("a page whose cells read each other out of order, promises and generators included, is clean", () => {
    // the last cell also depends on progress by naming it before a comma, as Framework pages do
    assert.deepEqual(clean.map(format), []);
  });
});
