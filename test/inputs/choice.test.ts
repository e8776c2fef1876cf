import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {choice} from "../../src/inputs/choice.js";

installDom();

const OPTIONS = [
  {value: "fresh", label: "your fresh model"},
  {value: "shakespeare", label: "trained on shakespeare"}
];

describe("choice", () => {
  it("choice(options) names its radios in a legend and checks the given value", () => {
    const input = choice(OPTIONS, {label: "weights", value: "shakespeare", name: "weights"});
    assert.equal(input.tagName, "FIELDSET");
    assert.equal(input.querySelector("legend")!.textContent, "weights");
    const radios = [...input.querySelectorAll<HTMLInputElement>("input[type=radio]")];
    assert.deepEqual(
      radios.map((r) => [r.value, r.checked, r.closest("label")!.textContent]),
      [
        ["fresh", false, " your fresh model"],
        ["shakespeare", true, " trained on shakespeare"]
      ]
    );
    assert.equal(input.value, "shakespeare");
    assert.equal(
      choice(OPTIONS, {label: "w", value: "nonsense", name: "w"}).value,
      "fresh",
      "an unknown value: the first"
    );
  });

  it("checking another option changes .value before its input event bubbles through the fieldset", () => {
    const input = choice(OPTIONS, {label: "weights", value: "fresh", name: "weights"});
    document.body.append(input);
    const seen: unknown[] = [];
    input.addEventListener("input", () => seen.push(input.value));
    const radio = input.querySelector<HTMLInputElement>("input[value=shakespeare]")!;
    radio.checked = true;
    radio.dispatchEvent(new Event("input", {bubbles: true}));
    assert.equal(input.value, "shakespeare");
    assert.deepEqual(seen, ["shakespeare"]);
    input.remove();
  });
});
