import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom, ramp} from "../helpers/dom.js";
import {multiples} from "../../src/views/multiples.js";

installDom();

describe("multiples", () => {
  it("multiples(panels) draws one titled heatmap per panel on one shared colour scale", () => {
    const figure = multiples(
      [
        {title: "head 0", matrix: ramp(3, 3)},
        {title: "head 1", matrix: ramp(3, 5)}
      ],
      {name: "heads"}
    );
    const maps = [...figure.querySelectorAll<HTMLElement>(".tg-heatmap")];
    assert.deepEqual(
      maps.map((m) => m.dataset.name),
      ["heads.0", "heads.1"]
    );
    assert.deepEqual(
      maps.map((m) => m.dataset.extent),
      ["4", "4"]
    );
    assert.deepEqual(
      [...figure.querySelectorAll(".tg-multiple-title")].map((t) => t.textContent),
      ["head 0", "head 1"]
    );
  });

  it("multiples finds the shared scale of large panels, skipping −∞", () => {
    const big = ramp(400, 400); // 160,000 values: more than a spread into Math.max can take
    big[0][399] = -Infinity;
    const maps = [
      ...multiples([
        {title: "a", matrix: big},
        {title: "b", matrix: ramp(2, 2)}
      ]).querySelectorAll<HTMLElement>(".tg-heatmap")
    ];
    assert.deepEqual(
      maps.map((m) => m.dataset.extent),
      ["399", "399"]
    );
  });

  it("multiples puts fewer panels in a row when the width is narrow", () => {
    const panels = Array.from({length: 8}, (_, h) => ({title: `h${h}`, matrix: ramp(4, 4)}));
    assert.equal(multiples(panels, {width: 1000}).style.getPropertyValue("--columns"), "4");
    assert.equal(multiples(panels, {width: 420}).style.getPropertyValue("--columns"), "2");
    assert.equal(multiples(panels, {width: 100}).style.getPropertyValue("--columns"), "1");
  });
});
