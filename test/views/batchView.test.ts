import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {batchView} from "../../src/views/batchView.js";

installDom();

describe("batchView", () => {
  it("batchView(rows) aligns each target under its input, greys ignored targets and shows ids", () => {
    const vocab = [" ", "a", "b"];
    const figure = batchView([{x: [1, 0, 2], y: [0, 2, -100]}], {vocab, name: "batch", marked: 0});
    const x = [...figure.querySelectorAll("tr.tg-batch-x td")];
    const y = [...figure.querySelectorAll("tr.tg-batch-y td")];
    assert.deepEqual(
      x.map((td) => td.firstChild!.textContent),
      ["a", "␣", "b"]
    );
    assert.deepEqual(
      y.map((td) => (td as HTMLElement).dataset.id),
      ["0", "2", "-100"]
    );
    assert.ok(y[2].classList.contains("tg-ignored"));
    assert.equal(y[2].firstChild!.textContent, "·");
    assert.equal(x[0].querySelector("small")!.textContent, "1");
    assert.ok(figure.querySelector("tr.tg-batch-x")!.classList.contains("tg-marked"));
    const headers = [...figure.querySelectorAll("th")].map((th) => [th.textContent, th.colSpan, th.rowSpan]);
    assert.deepEqual(
      headers,
      [
        ["t", 2, 1],
        ["0", 1, 1],
        ["1", 1, 1],
        ["2", 1, 1],
        ["#0", 1, 2],
        ["x", 1, 1],
        ["y", 1, 1]
      ],
      "every header says what it heads: the positions' row, the example over its two rows"
    );
  });

  it("batchView shows at most maxRows examples and says how many there are", () => {
    const rows = Array.from({length: 5}, () => ({x: [0, 1], y: [1, 0]}));
    const figure = batchView(rows, {vocab: ["a", "b"], maxRows: 2});
    assert.equal(figure.querySelectorAll("tr.tg-batch-x").length, 2);
    assert.match(figure.querySelector("figcaption")!.textContent!, /B = 5 examples of T = 2 tokens; the first 2 shown/);
  });

  it("batchView with microBatch B groups k·B rows into k headed micro-batches and counts them in the caption", () => {
    const rows = Array.from({length: 6}, (_, b) => ({x: [b % 2, 1], y: [1, 0]}));
    const figure = batchView(rows, {vocab: ["a", "b"], microBatch: 3, name: "batch"});
    const bodies = [...figure.querySelectorAll<HTMLElement>("tbody")];
    assert.deepEqual(
      bodies.map((body) => [body.dataset.micro, body.querySelectorAll("tr.tg-batch-x").length]),
      [
        ["0", 3],
        ["1", 3]
      ]
    );
    assert.deepEqual(
      [...figure.querySelectorAll("tr.tg-batch-micro")].map((tr) => tr.textContent),
      ["micro-batch 1 of 2 · examples 0–2", "micro-batch 2 of 2 · examples 3–5"]
    );
    assert.equal(bodies[1].querySelector("tr.tg-batch-x th")!.textContent, "#3", "examples keep their batch index");
    assert.deepEqual([figure.dataset.rows, figure.dataset.micro], ["6", "2"]);
    assert.match(
      figure.querySelector("figcaption")!.textContent!,
      /^k·B = 2·3 = 6 examples of T = 2 tokens, in 2 micro-batches of 3$/
    );
    const one = batchView(rows.slice(0, 3), {vocab: ["a", "b"], microBatch: 3});
    assert.equal(one.querySelectorAll("tr.tg-batch-micro").length, 0, "one micro-batch needs no heading");
    assert.equal(one.dataset.micro, "1");
  });
});
