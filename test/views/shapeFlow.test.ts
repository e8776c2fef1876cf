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
      steps.map((s) => s.querySelector(".tg-flow-box")!.textContent),
      ["idx(B, T)(1, 8)", "x(B, T, C)(1, 8, 16)"]
    );
    assert.equal(figure.querySelector(".tg-flow-arrow")!.textContent, "wte →");
  });

  it("shapeFlow keeps each operation in the item of the box it leads on from, so a wrapped row starts with a box", () => {
    const figure = shapeFlow([
      {label: "x", dims: "B, T, C", shape: [1, 8, 16], op: "c_attn"},
      {label: "qkv", dims: "B, T, 3C", shape: [1, 8, 48], op: "split, heads"},
      {label: "q", dims: "B, nh, T, hs", shape: [1, 2, 8, 8]}
    ]);
    const items = [...figure.querySelectorAll("ol > li")];
    assert.equal(items.length, 3, "one item per tensor, none for an arrow alone");
    assert.deepEqual(
      items.map((li) => [...li.children].map((c) => c.className)),
      [["tg-flow-box", "tg-flow-arrow"], ["tg-flow-box", "tg-flow-arrow"], ["tg-flow-box"]]
    );
    assert.deepEqual(
      items.map((li) => li.querySelector(".tg-flow-arrow")?.textContent ?? null),
      ["c_attn →", "split, heads →", null]
    );
  });
});
