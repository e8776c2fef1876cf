import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../../helpers/dom.js";

installDom();
const {renderTex} = await import("../../../src/components/page/katexRender.js");
const tex = (source: string) => renderTex(source, false);

describe("renderTex", () => {
  it("a formula rendered again is a fresh copy of the first rendering, untouched by what was done to that one", () => {
    const first = tex("\\sqrt{d_k} = 8");
    const html = first.outerHTML;
    assert.match(html, /class="katex"/);
    assert.match(first.querySelector("annotation")!.textContent!, /\\sqrt\{d_k\} = 8/);
    first.querySelector(".katex")!.remove();
    document.body.append(first);
    const again = tex("\\sqrt{d_k} = 8");
    assert.notEqual(again, first);
    assert.equal(again.outerHTML, html);
    assert.equal(again.parentNode, null);
  });

  it("a changed number, or display mode, renders a different formula", () => {
    assert.notEqual(tex("T = 16").outerHTML, tex("T = 32").outerHTML);
    const block = renderTex("T = 16", true);
    assert.equal(block.tagName, "DIV");
    assert.match(block.className, /tg-tex-block/);
    assert.match(block.innerHTML, /katex-display/);
    assert.equal(tex("T = 16").tagName, "SPAN");
  });
});
