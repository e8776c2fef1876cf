import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {modelMap, type MapBox} from "../../src/views/modelMap.js";

installDom();

const part = (id: string, over: Partial<MapBox> = {}): MapBox => ({
  ...{id, label: id, detail: `the ${id}`, href: `./${id}-page`, chapterTitle: "1 · One", number: "1"},
  ...{focus: false, here: false},
  ...over
});

describe("modelMap", () => {
  it("modelMap draws the parts in order, the block's parts framed as one group, parallel parts stacked", () => {
    const map = modelMap(
      [
        part("text"),
        part("wte", {stack: "embed"}),
        part("wpe", {stack: "embed"}),
        part("attn", {inBlock: true}),
        part("mlp", {inBlock: true}),
        part("probs"),
        part("loss", {stack: "output"}),
        part("sample", {stack: "output"})
      ],
      {name: "map"}
    );
    assert.equal(map.dataset.name, "map");
    assert.equal(map.querySelector("nav")!.getAttribute("aria-label"), "The whole model, by chapter");
    const line = [...map.querySelectorAll(".tg-map-line > li")];
    assert.equal(line.length, 5, "text, the tables, the block, probs, the branches");
    const ids = (root: Element) => [...root.querySelectorAll<HTMLElement>(".tg-map-part")].map((e) => e.dataset.part);
    assert.deepEqual(ids(line[1]), ["wte", "wpe"]);
    assert.ok(line[1].querySelector("ol.tg-map-stack"), "side by side in the model: stacked");
    assert.deepEqual(ids(line[2]), ["attn", "mlp"]);
    assert.match(line[2].querySelector(".tg-map-block-label")!.textContent!, /block × nLayer/);
    assert.deepEqual(ids(line[4]), ["loss", "sample"]);
    assert.ok(line[4].querySelector("ol.tg-map-stack"));
  });

  it("modelMap links each part to its chapter with its number, lights the focus and marks this page's parts", () => {
    const map = modelMap([
      part("wte", {focus: true, here: true, href: null, chapterTitle: "2 · Embeddings", number: "2"}),
      part("attn", {focus: true, href: "./03-attention", chapterTitle: "3 · Attention", number: "3"}),
      part("logits", {href: null, chapterTitle: "5 · Model", number: "5"})
    ]);
    const [wte, attn, logits] = [...map.querySelectorAll<HTMLElement>(".tg-map-part")];
    assert.equal(wte.tagName, "SPAN", "no link to the page itself");
    assert.equal(wte.getAttribute("aria-current"), "page");
    assert.ok(wte.classList.contains("tg-focus"));
    assert.equal(attn.tagName, "A");
    assert.equal(attn.getAttribute("href"), "./03-attention");
    assert.ok(attn.classList.contains("tg-focus"), "a part this page looks at, built elsewhere");
    assert.equal(attn.textContent, "attn3");
    assert.equal(attn.title, "the attn · 3 · Attention");
    assert.ok(!logits.classList.contains("tg-focus"));
    assert.equal(logits.tagName, "SPAN", "a chapter not written yet: no link");
    assert.equal(wte.title, "the wte · 2 · Embeddings (this page)");
  });
});
