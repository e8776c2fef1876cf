import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {modelPanel, type PanelField} from "../../src/inputs/modelPanel.js";

installDom();

interface M {
  a: number;
  b: number;
  kind: string;
}
const fields: PanelField[] = [
  {key: "a", label: "a", kind: "int", min: 1, max: 64},
  {key: "b", label: "b", kind: "int", min: 1, max: 64},
  {key: "kind", label: "kind", kind: "choice", options: ["x", "y"]}
];
// a must be divisible by b, like nEmbd and nHead.
const check = (raw: Record<string, unknown>) => {
  const [a, b] = [Number(raw.a), Number(raw.b)];
  const problems = [
    ...(Number.isInteger(a) && a > 0 ? [] : [`a (${raw.a}) must be a positive integer`]),
    ...(a % b === 0 ? [] : [`a (${a}) must be divisible by b (${b})`])
  ];
  return {model: problems.length ? null : {a, b, kind: String(raw.kind)}, problems};
};
const make = () =>
  modelPanel<M>({fields, value: {a: 8, b: 2, kind: "x"}, defaults: {a: 4, b: 1, kind: "y"}, check, notices: ["hi"]});

function edit(panel: HTMLElement, key: string, value: string): void {
  const control = panel.querySelector<HTMLInputElement>(`[name=${key}]`)!;
  control.value = value;
  control.dispatchEvent(new Event("input", {bubbles: true}));
}

describe("modelPanel", () => {
  it("modelPanel shows its value in its controls and its notices", () => {
    const panel = make();
    assert.equal(panel.querySelector<HTMLInputElement>("[name=a]")!.value, "8");
    assert.equal(panel.querySelector<HTMLSelectElement>("[name=kind]")!.value, "x");
    assert.equal(panel.querySelector(".tg-notice")!.textContent, "hi");
  });

  it("a valid edit changes .value and fires exactly one bubbling input event from the panel", () => {
    const panel = make();
    let events = 0;
    panel.addEventListener("input", (e) => (events += e.target === panel ? 1 : 100));
    edit(panel, "a", "16");
    assert.deepEqual(panel.value, {a: 16, b: 2, kind: "x"});
    assert.equal(events, 1);
  });

  it("an invalid edit is refused in place: message shown, control marked, value and events unchanged", () => {
    const panel = make();
    let events = 0;
    panel.addEventListener("input", () => (events += 1));
    edit(panel, "b", "3");
    assert.deepEqual(panel.value, {a: 8, b: 2, kind: "x"});
    assert.equal(events, 0);
    const refused = panel.querySelector<HTMLElement>(".tg-refused")!;
    assert.equal(refused.hidden, false);
    assert.match(refused.textContent!, /a \(8\) must be divisible by b \(3\)/);
    assert.ok(panel.querySelector("[name=a]")!.hasAttribute("aria-invalid"));
    assert.ok(panel.querySelector("[name=b]")!.hasAttribute("aria-invalid"));
    assert.ok(!panel.querySelector("[name=kind]")!.hasAttribute("aria-invalid"));
    edit(panel, "a", "9");
    assert.deepEqual(panel.value, {a: 9, b: 3, kind: "x"}, "fixing the other field applies both");
    assert.equal(refused.hidden, true);
    assert.equal(events, 1);
  });

  it("reset restores the defaults and announces them", () => {
    const panel = make();
    let events = 0;
    panel.addEventListener("input", () => (events += 1));
    edit(panel, "b", "3");
    panel.querySelector<HTMLButtonElement>(".tg-reset")!.click();
    assert.deepEqual(panel.value, {a: 4, b: 1, kind: "y"});
    assert.equal(panel.querySelector<HTMLInputElement>("[name=b]")!.value, "1");
    assert.equal(panel.querySelector<HTMLElement>(".tg-refused")!.hidden, true);
    assert.equal(events, 1);
  });

  it("submitting the form (Enter in a field) does not navigate", () => {
    const panel = make();
    const event = new Event("submit", {cancelable: true});
    panel.dispatchEvent(event);
    assert.equal(event.defaultPrevented, true);
  });
});
