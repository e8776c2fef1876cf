import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom, ramp} from "../helpers/dom.js";
import {panels} from "../../src/views/panels.js";

installDom();

describe("panels", () => {
  it("panels(items) gives each heatmap a title and its own scale unless an extent is given", () => {
    const figure = panels(
      [
        {title: "small", matrix: ramp(2, 2), name: "a"},
        {title: "large", matrix: ramp(5, 5).map((r) => r.map((v) => 10 * v)), name: "b"},
        {title: "fixed", matrix: ramp(2, 2), extent: 7}
      ],
      {width: 900, columns: 3, name: "p"}
    );
    const maps = [...figure.querySelectorAll<HTMLElement>(".tg-heatmap")];
    assert.deepEqual(
      maps.map((m) => m.dataset.extent),
      ["1", "40", "7"]
    );
    assert.deepEqual(
      maps.map((m) => m.dataset.name ?? ""),
      ["a", "b", ""]
    );
    assert.deepEqual(
      [...figure.querySelectorAll(".tg-panel-title")].map((h) => h.textContent),
      ["small", "large", "fixed"]
    );
    assert.equal(figure.style.getPropertyValue("--columns"), "3");
  });

  it("a panel of a never-negative quantity takes a sequential scale of its own; the others stay diverging", () => {
    const figure = panels([
      {title: "m", matrix: ramp(2, 2)},
      {title: "v", matrix: [[0, 1e-6]], scale: "sequential"}
    ]);
    const maps = [...figure.querySelectorAll<HTMLElement>(".tg-heatmap")];
    assert.deepEqual(
      maps.map((m) => m.dataset.scale),
      ["diverging", "sequential"]
    );
  });
});
