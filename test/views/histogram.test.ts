import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {histogram} from "../../src/views/histogram.js";

installDom();

describe("histogram", () => {
  it("histogram(values) bins every value and reports mean and standard deviation", () => {
    const values = [-1, -1, 1, 1];
    const figure = histogram(values, {label: "x", name: "h"});
    const counts = [...figure.querySelectorAll("rect")].map((r) => r.getAttribute("height"));
    assert.ok(counts.length > 1);
    assert.equal(Number(figure.dataset.mean), 0);
    assert.equal(Number(figure.dataset.std), 1);
    assert.equal(figure.dataset.n, "4");
    assert.match(figure.querySelector("figcaption")!.textContent!, /x: mean 0.000 · std 1.000 · 4 numbers/);
  });

  it("histogram copes with constant values", () => {
    const figure = histogram([0.5, 0.5, 0.5]);
    assert.equal(Number(figure.dataset.std), 0);
    assert.ok(figure.querySelectorAll("rect").length >= 1);
  });
});
