import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";

installDom();
const Inputs = await import("../../src/inputs/observable.js");
const Original = await import("@observablehq/inputs");

/** The name a screen reader gives the element through aria-labelledby or a <label for>. */
function accessibleName(element: HTMLElement): string {
  const ids = element.getAttribute("aria-labelledby");
  if (ids)
    return ids
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" ");
  return document.querySelector(`label[for="${element.id}"]`)?.textContent ?? "";
}

describe("Inputs from inputs/observable.js", () => {
  it("range names its slider and its number box by its label", () => {
    const form = Inputs.range([0, 10], {label: "position t", step: 1, value: 3});
    document.body.append(form);
    const slider = form.querySelector<HTMLInputElement>("input[type=range]")!;
    const box = form.querySelector<HTMLInputElement>("input[type=number]")!;
    assert.equal(accessibleName(slider), "position t");
    assert.equal(accessibleName(box), "position t");
    form.remove();
  });

  it("range keeps Inputs' behaviour: the value, and the slider driving the box", () => {
    const form = Inputs.range([0, 10], {label: "n", step: 1, value: 3});
    assert.equal(form.value, 3);
    const slider = form.querySelector<HTMLInputElement>("input[type=range]")!;
    slider.value = "7";
    slider.dispatchEvent(new Event("input", {bubbles: true}));
    assert.equal(form.value, 7);
    assert.equal(form.querySelector<HTMLInputElement>("input[type=number]")!.value, "7");
  });

  it("two ranges with the same label name their own sliders", () => {
    const [a, b] = [Inputs.range([0, 3], {label: "layer"}), Inputs.range([0, 3], {label: "layer"})];
    const labelledBy = (f: HTMLElement) => f.querySelector("input[type=range]")!.getAttribute("aria-labelledby");
    assert.notEqual(labelledBy(a), labelledBy(b));
  });

  it("passes every other input through unchanged", () => {
    for (const name of ["select", "radio", "number", "toggle", "textarea", "text", "button", "form"] as const)
      assert.equal(Inputs[name], Original[name], name);
  });
});
