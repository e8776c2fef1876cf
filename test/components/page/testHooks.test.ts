import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../../helpers/dom.js";
import {hook} from "../../../src/components/page/testHooks.js";

installDom();

describe("hook", () => {
  it("sets a named block's data attributes: numbers and strings as values, true empty, false and null removed", () => {
    const root = document.createElement("main");
    root.innerHTML = `<p class="tg-stat" data-name="stat" data-old="1">Every row sums to 1.</p><p data-name="other"></p>`;
    hook("stat", {future: 0.25, label: "a b", equal: true, old: null}, root);
    const stat = root.querySelector<HTMLElement>("[data-name=stat]")!;
    assert.deepEqual({...stat.dataset}, {name: "stat", future: "0.25", label: "a b", equal: ""});
    hook("stat", {equal: false, future: 0}, root);
    assert.deepEqual({...stat.dataset}, {name: "stat", future: "0", label: "a b"});
    assert.equal(stat.textContent, "Every row sums to 1.", "the prose is left as it is");
    assert.deepEqual({...root.querySelector<HTMLElement>("[data-name=other]")!.dataset}, {name: "other"});
  });

  it("a name that no element has is refused, naming it", () => {
    const root = document.createElement("main");
    assert.throws(() => hook("totl", {formula: 1}, root), /no element has data-name="totl"/);
  });
});
