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
  });

  it("batchView shows at most maxRows examples and says how many there are", () => {
    const rows = Array.from({length: 5}, () => ({x: [0, 1], y: [1, 0]}));
    const figure = batchView(rows, {vocab: ["a", "b"], maxRows: 2});
    assert.equal(figure.querySelectorAll("tr.tg-batch-x").length, 2);
    assert.match(figure.querySelector("figcaption")!.textContent!, /B = 5 examples of T = 2 tokens; the first 2 shown/);
  });
});
