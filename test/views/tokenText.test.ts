import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {tokenText} from "../../src/views/tokenText.js";

installDom();

describe("tokenText", () => {
  it("draws each piece as a box with its ids, marks chunk starts and split characters, and keeps text as text", () => {
    const figure = tokenText(
      [
        {text: "Hi", ids: [17250], chunk: 0},
        {text: " <b>", ids: [1279, 65, 29], chunk: 1},
        {text: " 😀", ids: [30325, 222], chunk: 2}
      ],
      {label: "3 pieces", name: "t"}
    );
    assert.equal(figure.dataset.name, "t");
    assert.equal(figure.dataset.tokens, "6");
    assert.equal(figure.dataset.pieces, "3");
    const spans = [...figure.querySelectorAll<HTMLElement>(".tg-token")];
    assert.deepEqual(
      spans.map((s) => s.querySelector(".tg-glyph")!.textContent),
      ["Hi", "␣<b>", "␣😀"]
    );
    assert.equal(figure.querySelector("b"), null, "markup in the text stays text");
    assert.deepEqual(
      spans.map((s) => s.classList.contains("tg-chunk-start")),
      [false, true, true]
    );
    assert.deepEqual(
      spans.map((s) => s.classList.contains("tg-split")),
      [false, true, true]
    );
    assert.equal(spans[2].dataset.ids, "30325,222");
    assert.equal(figure.querySelector("figcaption")!.textContent, "3 pieces");
  });
});
