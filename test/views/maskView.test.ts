import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {maskView} from "../../src/views/maskView.js";

installDom();

const causal = (T: number) =>
  Array.from({length: T}, (_, i) => Array.from({length: T}, (_, j) => (j <= i ? 0 : -Infinity)));

describe("maskView", () => {
  it("maskView(mask) counts the open pairs of a causal mask: T(T+1)/2", () => {
    const figure = maskView(causal(4), {tokens: [..."abcd"], name: "m"});
    assert.equal(figure.dataset.open, "10");
    assert.equal(figure.querySelectorAll("rect").length, 16);
    assert.match(figure.querySelector("figcaption")!.textContent!, /10 of 16/);
    assert.deepEqual(
      [...figure.querySelectorAll("text")].slice(0, 4).map((t) => t.textContent),
      ["0", "−∞", "−∞", "−∞"]
    );
  });

  it("maskView treats a large negative number (−1e9) as blocked and an all-zero mask as no mask", () => {
    assert.equal(
      maskView([
        [0, -1e9],
        [0, 0]
      ]).dataset.open,
      "3"
    );
    assert.match(
      maskView([
        [0, 0],
        [0, 0]
      ]).querySelector("figcaption")!.textContent!,
      /no mask/
    );
  });

  it("maskView fits T = 64 into 640 px without text", () => {
    const svg = maskView(causal(64), {width: 640}).querySelector("svg")!;
    assert.ok(Number(svg.getAttribute("width")) <= 640);
    assert.equal(svg.querySelectorAll("text").length, 0);
  });
});
