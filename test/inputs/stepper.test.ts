import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {readFileSync} from "node:fs";
import {showStage, stageSections, stepper} from "../../src/inputs/stepper.js";

const dom = installDom();

const press = (key: string, target: EventTarget = document.body) =>
  target.dispatchEvent(new dom.window.KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
const click = (root: HTMLElement, selector: string) => root.querySelector<HTMLButtonElement>(selector)!.click();

describe("stepper", () => {
  it("stepper(titles) follows the view() contract: .value is the stage, each change a bubbling input event", () => {
    const root = stepper(["a", "b", "c"]);
    document.body.append(root);
    const seen: number[] = [];
    document.body.addEventListener("input", () => seen.push(root.value));
    click(root, "[data-action=next]");
    click(root, "[data-action=next]");
    click(root, "[data-action=next]");
    assert.equal(root.value, 2, "no stage after the last");
    assert.ok(root.querySelector<HTMLButtonElement>("[data-action=next]")!.disabled);
    click(root, "[data-action=previous]");
    click(root, '[data-stage="2"]');
    click(root, "[data-action=restart]");
    assert.deepEqual(seen, [1, 2, 1, 2, 0]);
    assert.equal(root.dataset.stage, "0");
    assert.equal(root.querySelector("[aria-current]")!.textContent, "1 · a");
    root.dispose();
    root.remove();
  });

  it("keys step through the stages outside form fields; N asks for a new batch on .draws, not on the stage", () => {
    const root = stepper(["a", "b", "c"]);
    document.body.append(root);
    const draws: number[] = [];
    root.draws.addEventListener("input", () => draws.push(root.draws.value));
    let stageEvents = 0;
    root.addEventListener("input", () => stageEvents++);
    press("ArrowRight");
    press("j");
    assert.equal(root.value, 2);
    press("ArrowLeft");
    assert.equal(root.value, 1);
    const field = document.createElement("input");
    document.body.append(field);
    press("ArrowRight", field);
    assert.equal(root.value, 1, "typing in a field does not step");
    press("n");
    press("N");
    assert.deepEqual(draws, [1, 2]);
    assert.equal(stageEvents, 3, "a new batch is not a new stage");
    press("r");
    assert.equal(root.value, 0);
    root.dispose();
    press("ArrowRight");
    assert.equal(root.value, 0, "dispose removes the key listener");
    root.remove();
    field.remove();
  });

  it("with {batch: false} there is no new-batch button or key, and label names the group", () => {
    const root = stepper(["bytes", "merge 1"], {batch: false, label: "merges"});
    document.body.append(root);
    assert.equal(root.getAttribute("aria-label"), "merges");
    assert.equal(root.querySelector("[data-action=batch]"), null);
    assert.equal(root.querySelector(".tg-stepper-draws"), null);
    let draws = 0;
    root.draws.addEventListener("input", () => draws++);
    press("n");
    press("ArrowRight");
    assert.equal(draws, 0);
    assert.equal(root.value, 1);
    root.dispose();
    root.remove();
  });

  it("stageSections(root) numbers the .tg-stage sections in order and returns their headings' titles", () => {
    const box = document.createElement("div");
    box.innerHTML =
      '<section class="tg-stage"><h3>1 · The batch</h3><p>x</p></section>' +
      '<section class="tg-stage" hidden><h3>2 · Forward</h3></section>';
    assert.deepEqual(stageSections(box), ["The batch", "Forward"]);
    assert.deepEqual(
      [...box.querySelectorAll<HTMLElement>("section")].map((s) => s.dataset.stage),
      ["0", "1"]
    );
  });

  it("stageSections throws when a heading is missing or numbered out of order", () => {
    const box = document.createElement("div");
    box.innerHTML =
      '<section class="tg-stage"><h3>1 · a</h3></section><section class="tg-stage"><h3>3 · c</h3></section>';
    assert.throws(() => stageSections(box), /section 2's heading is "3 · c", not "2 · …"/);
    box.innerHTML = '<section class="tg-stage"><p>no heading</p></section>';
    assert.throws(() => stageSections(box), /section 1's heading is ""/);
    box.innerHTML = "<p>no stage</p>";
    assert.throws(() => stageSections(box), /no .tg-stage section/);
  });

  it("chapter 7's stage sections, as its Markdown writes them, are numbered 1 to 7 in order", () => {
    const page = readFileSync(new URL("../../src/07-training-step.md", import.meta.url), "utf8");
    const box = document.createElement("div");
    box.innerHTML = [...page.matchAll(/<section class="tg-stage"[^>]*>\s*### (.+)/g)]
      .map(([, heading]) => `<section class="tg-stage"><h3>${heading}</h3></section>`)
      .join("");
    assert.equal(stageSections(box).length, 7, "the seven stages the browser tests walk");
  });

  it("showStage(stage, root) shows the matching section only", () => {
    const box = document.createElement("div");
    box.innerHTML =
      '<section class="tg-stage" data-stage="0"></section><section class="tg-stage" data-stage="1" hidden></section>';
    showStage(1, box);
    assert.deepEqual(
      [...box.querySelectorAll("section")].map((s) => s.hidden),
      [true, false]
    );
  });
});
