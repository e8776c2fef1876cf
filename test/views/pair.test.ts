import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {halfWidth, pair} from "../../src/views/pair.js";

installDom();

const box = (name: string) => (width: number) => {
  const figure = document.createElement("figure");
  figure.dataset.name = name;
  figure.dataset.width = String(width);
  return figure;
};

describe("pair", () => {
  it("draws each figure at half the width, a titled one in a column under its heading with `code` as code", () => {
    const root = pair(
      [
        {title: "learned `wpe`", figure: box("a")},
        {title: "sinusoidal <b>P</b>", figure: box("b")}
      ],
      {
        width: 800
      }
    );
    assert.equal(root.className, "tg-pair");
    assert.equal(halfWidth(800), 384);
    const columns = [...root.children];
    assert.equal(columns.length, 2);
    assert.equal(columns[0].querySelector(".tg-pair-title")!.innerHTML, "learned <code>wpe</code>");
    const second = columns[1].querySelector(".tg-pair-title")!;
    assert.equal(second.textContent, "sinusoidal <b>P</b>", "a title is text, not HTML");
    assert.deepEqual(
      columns.map((c) => [c.getAttribute("role"), c.getAttribute("aria-label")]),
      [
        ["group", "learned wpe"],
        ["group", "sinusoidal <b>P</b>"]
      ],
      "each column is a group named by its title"
    );
    assert.equal(root.querySelectorAll("h1, h2, h3, h4, h5, h6").length, 0, "no headings in the page's outline");
    assert.deepEqual(
      [...root.querySelectorAll<HTMLElement>("figure")].map((f) => [f.dataset.name, f.dataset.width]),
      [
        ["a", "384"],
        ["b", "384"]
      ]
    );
  });

  it("untitled figures sit directly in the pair; null and false items are left out; never narrower than 240 px", () => {
    const root = pair([null, {figure: box("b")}, false], {width: 300});
    assert.equal(root.children.length, 1);
    assert.equal((root.firstElementChild as HTMLElement).dataset.name, "b");
    assert.equal((root.firstElementChild as HTMLElement).dataset.width, "240");
  });
});
