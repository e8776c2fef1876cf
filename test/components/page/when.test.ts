import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {installDom} from "../../helpers/dom.js";
import {when} from "../../../src/components/page/when.js";

installDom();

/** A page fragment as Framework renders a conditional paragraph pair and an inline alternative. */
function page(): HTMLElement {
  const root = document.createElement("main");
  root.innerHTML = `
    <div data-when="addition" hidden><p>Each row is one sum.</p></div>
    <div data-when="text"><p>Every target is scored.</p></div>
    <p>The input is <span data-when="pre">the normalised embeddings</span><span data-when="post" hidden>the embeddings</span>.</p>
    <div data-when="learned" class="tg-pair"><p>a learned table</p></div>`;
  document.body.replaceChildren(root);
  return root;
}

const shown = (root: ParentNode) =>
  [...root.querySelectorAll<HTMLElement>("[data-when]")].filter((b) => !b.hidden).map((b) => b.dataset.when);

describe("when", () => {
  it("shows the blocks whose condition is true and hides the others, in both directions", () => {
    const root = page();
    when({addition: true, text: false}, root);
    assert.deepEqual(shown(root), ["addition", "pre", "learned"]);
    when({addition: false, text: true}, root);
    assert.deepEqual(shown(root), ["text", "pre", "learned"]);
  });

  it("works on inline spans inside a paragraph, and leaves the blocks of keys it is not given alone", () => {
    const root = page();
    when({pre: false, post: true}, root);
    assert.deepEqual(shown(root), ["text", "post", "learned"]);
    assert.equal(root.querySelector("[data-when=addition]")!.hasAttribute("hidden"), true, "untouched");
  });

  it("a hidden block is display: none, so it leaves the accessibility tree and innerText", () => {
    const root = page();
    when({text: false}, root);
    const block = root.querySelector<HTMLElement>("[data-when=text]")!;
    assert.equal(getComputedStyle(block).display, "none");
    when({text: true}, root);
    assert.notEqual(getComputedStyle(block).display, "none");
  });

  it("the site's stylesheet keeps a hidden block hidden even when its class sets a display", () => {
    const css = readFileSync("src/style.css", "utf8");
    const rule = /\[data-when\]\[hidden\]\s*\{\s*display:\s*none\s*!important;?\s*\}/;
    assert.match(css, rule, "style.css has the [data-when][hidden] rule");
    const root = page();
    const style = document.createElement("style");
    style.textContent = `.tg-pair { display: flex; } ${css.match(rule)![0]}`;
    document.head.append(style);
    const pair = root.querySelector<HTMLElement>("[data-when=learned]")!;
    assert.equal(getComputedStyle(pair).display, "flex");
    when({learned: false}, root);
    assert.equal(getComputedStyle(pair).display, "none");
    style.remove();
  });

  it("a key that names no block is refused, naming the key", () => {
    const root = page();
    assert.throws(() => when({adition: true}, root), /no block has data-when="adition"/);
  });
});
