import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {shapeFlow} from "../../src/views/shapeFlow.js";

installDom();

describe("shapeFlow", () => {
  it("shapeFlow(steps) shows each tensor with its symbolic and numeric shape, and the operations between", () => {
    const figure = shapeFlow(
      [
        {label: "idx", dims: "B, T", shape: [1, 8], op: "wte"},
        {label: "x", dims: "B, T, C", shape: [1, 8, 16]}
      ],
      {name: "flow"}
    );
    const steps = [...figure.querySelectorAll<HTMLElement>("li[data-shape]")];
    assert.deepEqual(
      steps.map((s) => s.textContent),
      ["idx(B, T)(1, 8)", "x(B, T, C)(1, 8, 16)"]
    );
    assert.equal(figure.querySelector(".tg-flow-arrow")!.textContent, "wte →");
  });
});
