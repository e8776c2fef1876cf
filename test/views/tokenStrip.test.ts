import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {tokenStrip, visible} from "../../src/views/tokenStrip.js";

installDom();

describe("tokenStrip", () => {
  it("tokenStrip(tokens, {ids}) shows one box per token with its id, whitespace made visible", () => {
    const strip = tokenStrip(["h", " ", "\n"], {ids: [2, 0, 1], name: "s"});
    const items = [...strip.querySelectorAll("li")];
    assert.deepEqual(
      items.map((li) => li.textContent),
      ["h2", "␣0", "↵1"]
    );
    assert.equal(strip.dataset.name, "s");
    assert.equal(strip.dataset.tokens, "3");
  });

  it("tokenStrip renders text as text, never as HTML", () => {
    const strip = tokenStrip(["<", "b", ">"], {label: "<img src=x onerror=alert(1)>"});
    assert.equal(strip.querySelector("img"), null);
    assert.equal(strip.querySelector("figcaption")!.textContent, "<img src=x onerror=alert(1)>");
  });

  it("tokenStrip dims positions outside the context, marks the given ones, and highlights a query and a key", () => {
    const strip = tokenStrip([..."abcd"], {context: 2, marked: [3]});
    const items = [...strip.querySelectorAll("li")];
    assert.deepEqual(
      items.map((li) => li.classList.contains("tg-outside")),
      [false, false, true, true]
    );
    assert.ok(items[3].classList.contains("tg-marked"));
    strip.highlight({i: 2, j: 0});
    assert.ok(items[2].classList.contains("tg-query") && items[0].classList.contains("tg-key"));
    strip.highlight(null);
    assert.equal(strip.querySelectorAll(".tg-query, .tg-key").length, 0);
  });

  it("visible(token) shows every space, line break and tab of a token, and control characters as escapes", () => {
    assert.equal(visible(" the\n\tx\u0001"), "␣the↵⇥x\\x01");
    assert.equal(visible("\t"), "⇥");
    assert.equal(visible("\u0007"), "\\x07");
    assert.equal(visible("é"), "é");
  });
});
