import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {vocabTable} from "../../src/views/vocabTable.js";

installDom();

describe("vocabTable", () => {
  it("vocabTable(vocab, {counts}) lists each id with its token and count, in id order", () => {
    const table = vocabTable([" ", "a", "b"], {counts: [1, 3, 2], name: "v"});
    const rows = [...table.querySelectorAll("li")].map((li) => [li.dataset.id, li.textContent]);
    assert.deepEqual(rows, [
      ["0", "0␣×1"],
      ["1", "1a×3"],
      ["2", "2b×2"]
    ]);
    assert.equal(table.dataset.size, "3");
    assert.match(table.querySelector("figcaption")!.textContent!, /3 tokens, ids 0–2/);
  });

  it("vocabTable handles a hundred tokens and no counts", () => {
    const vocab = Array.from({length: 100}, (_, i) => String.fromCodePoint(0x4e00 + i));
    const table = vocabTable(vocab);
    assert.equal(table.querySelectorAll("li").length, 100);
    assert.equal(table.querySelectorAll(".tg-count").length, 0);
  });
});
