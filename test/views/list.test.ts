import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {list} from "../../src/views/list.js";

installDom();

describe("list", () => {
  it("an ordered list of texts names its count and emphasises the marked item", () => {
    const root = list([{text: "transformer.wte.weight", marked: true}, {text: "transformer.h.0.ln_1.weight"}], {
      ordered: true,
      className: "tg-names",
      name: "weights"
    });
    assert.equal(root.tagName, "OL");
    assert.deepEqual({...root.dataset}, {name: "weights", count: "2"});
    assert.deepEqual(
      [...root.querySelectorAll("li")].map((li) => [li.textContent, li.className]),
      [
        ["transformer.wte.weight", "tg-emphasis"],
        ["transformer.h.0.ln_1.weight", ""]
      ]
    );
  });

  it("a bulleted list with a bold lead and an id per item; text is never HTML", () => {
    const root = list([{id: "toy", lead: "toy", text: "a <b>small</b> model"}], {className: "tg-notes"});
    assert.equal(root.tagName, "UL");
    const li = root.querySelector("li")!;
    assert.equal(li.dataset.id, "toy");
    assert.equal(li.innerHTML, "<strong>toy</strong>: a &lt;b&gt;small&lt;/b&gt; model");
  });
});
