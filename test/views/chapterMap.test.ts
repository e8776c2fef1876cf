import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {chapterMap} from "../../src/views/chapterMap.js";

installDom();

describe("chapterMap", () => {
  it("links the ready chapters and marks the others as in preparation, each with its summary", () => {
    const root = chapterMap([
      {path: "01-tokens", title: "1 · Tokens", summary: "Text becomes ids.", ready: true},
      {path: "10-bpe", title: "10 · BPE", summary: "Subwords.", ready: false}
    ]);
    assert.equal(root.className, "tg-chapters");
    const items = [...root.querySelectorAll("li")];
    assert.equal(items[0].querySelector("a")!.getAttribute("href"), "./01-tokens");
    assert.equal(items[0].textContent, "1 · Tokens — Text becomes ids.");
    assert.equal(items[1].querySelector("a"), null);
    assert.equal(items[1].querySelector(".tg-soon")!.textContent, "10 · BPE (in preparation)");
    assert.equal(items[1].textContent, "10 · BPE (in preparation) — Subwords.");
  });
});
