import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {actionButton} from "../../src/inputs/actionButton.js";
import {checkpointControls} from "../../src/inputs/checkpointControls.js";
import {dataSource} from "../../src/inputs/dataSource.js";
import {runButtons, type Runnable} from "../../src/inputs/runButtons.js";

installDom();

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("runButtons", () => {
  it("enables the buttons that fit the run's status and calls the commands", () => {
    type State = {status: string; step: number; steps: number};
    let notify: (s: State) => void = () => {};
    const calls: string[] = [];
    const run: Runnable = {
      subscribe: (fn: (s: State) => void) => (
        (notify = fn),
        fn({status: "ready", step: 0, steps: 10}),
        () => (notify = () => {})
      ),
      ...Object.fromEntries(["start", "pause", "resume", "stop"].map((k) => [k, () => calls.push(k)]))
    } as unknown as Runnable;
    const box = runButtons(run);
    const button = (a: string) => box.querySelector<HTMLButtonElement>(`[data-action=${a}]`)!;
    const enabled = () => ["start", "pause", "resume", "stop"].filter((a) => !button(a).disabled);
    assert.deepEqual(enabled(), ["start"]);
    notify({status: "running", step: 3, steps: 10});
    assert.deepEqual(enabled(), ["pause", "stop"]);
    button("pause").click();
    notify({status: "paused", step: 3, steps: 10});
    assert.deepEqual(enabled(), ["resume", "stop"]);
    notify({status: "stopped", step: 3, steps: 10});
    assert.equal(button("start").textContent, "Continue to step 10");
    button("start").click();
    assert.deepEqual(calls, ["pause", "start"]);
    box.dispose();
  });
});

describe("dataSource", () => {
  const make = () =>
    dataSource({
      choices: ["addition", "toy", "your text"],
      own: "your text",
      value: "addition",
      check: (text) => (text.length < 5 ? "too short" : null),
      readText: (bytes) => new TextDecoder().decode(bytes),
      fetchText: async (url) => {
        if (url.includes("bad")) throw new Error("the server answered 404");
        return "fetched text";
      }
    });

  it("announces a choice, and takes a pasted text only once it passes the check", async () => {
    const input = make();
    const events: unknown[] = [];
    input.addEventListener("input", () => events.push(input.value));
    const own = input.querySelector<HTMLInputElement>("input[value='your text']")!;
    own.checked = true;
    own.dispatchEvent(new Event("change", {bubbles: true}));
    assert.equal(events.length, 0, "no text yet: the value stays");
    assert.equal(input.querySelector<HTMLElement>(".tg-own-text")!.hidden, false);
    input.querySelector("textarea")!.value = "abc";
    input.querySelector<HTMLButtonElement>(".tg-own-row button")!.click();
    assert.match(input.querySelector("[role=status]")!.textContent ?? "", /Not used: the pasted text: too short/);
    assert.equal(input.value.choice, "addition");
    input.querySelector("textarea")!.value = "<b>long enough</b>";
    input.querySelector<HTMLButtonElement>(".tg-own-row button")!.click();
    assert.deepEqual(input.value, {choice: "your text", text: "<b>long enough</b>", origin: "the pasted text"});
    assert.equal(events.length, 1);
  });

  it("fetches a URL on request and refuses one that fails, saying why", async () => {
    const input = make();
    const url = input.querySelector<HTMLInputElement>("input[type=url]")!;
    const fetchButton = [...input.querySelectorAll("button")].find((b) => b.textContent === "Fetch")!;
    url.value = "https://example.org/bad.txt";
    fetchButton.click();
    await tick();
    assert.match(input.querySelector("[role=status]")!.textContent ?? "", /404/);
    url.value = "https://example.org/good.txt";
    fetchButton.click();
    await tick();
    assert.equal(input.value.text, "fetched text");
  });
});

describe("checkpointControls and actionButton", () => {
  it("reports success, and a refusal as an alert", async () => {
    const box = checkpointControls({
      save: async () => "saved it",
      loadFile: async () => {
        throw new Error("not a safetensors file");
      },
      saved: {label: "step 5", load: async () => "loaded"}
    });
    box.querySelector<HTMLButtonElement>("[data-action=save]")!.click();
    await tick();
    assert.equal(box.querySelector("p")!.textContent, "saved it");
    assert.match(box.querySelector("[data-action=load-saved]")!.textContent ?? "", /step 5/);
    const button = actionButton("Go", async () => {
      throw new Error("nope");
    });
    button.querySelector("button")!.click();
    await tick();
    assert.equal(button.dataset.state, "failed");
    assert.equal(button.querySelector("[role=alert]")!.textContent, "nope");
  });
});
