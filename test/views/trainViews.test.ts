import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {accuracyChart, gradNormChart, lossChart, lrChart} from "../../src/views/trainCharts.js";
import {duration, progressBar, sampleList} from "../../src/views/trainProgress.js";

installDom();

describe("trainCharts", () => {
  it("lossChart draws train and validation lines with the ln V rule, and counts its points", () => {
    const train = [1, 2, 3].map((step) => ({step, value: 3 - step / 2}));
    const figure = lossChart(train, [{step: 0, value: 3}], Math.log(12), {steps: 10, name: "loss"});
    assert.equal(figure.dataset.name, "loss");
    assert.equal(figure.dataset.points, "4");
    assert.ok(figure.querySelector("svg"), "a Plot chart");
    assert.match(figure.textContent ?? "", /ln V/);
  });

  it("the other charts draw before any step (empty series) without throwing", () => {
    const planned = [1, 2, 3].map((step) => ({step, lr: step * 1e-4}));
    assert.equal(lrChart(planned, [], {steps: 3}).dataset.points, "0");
    assert.match(gradNormChart([], 1).textContent ?? "", /clipped above 1/);
    const acc = accuracyChart([{step: 10, exact: 0.5, digits: [1, 0.8, 0.6, 0.9]}], {steps: 20});
    assert.equal(acc.dataset.points, "1");
    assert.match(acc.textContent ?? "", /units/);
  });
});

describe("trainProgress", () => {
  it("progressBar shows step, speeds and time left; a failure is an alert", () => {
    const speed = {stepsPerSecond: 2.5, tokensPerSecond: 1760, etaSeconds: 65};
    const box = progressBar({status: "running", step: 10, steps: 100, speed, message: null});
    assert.equal(box.querySelector("progress")!.value, 10);
    assert.match(box.textContent ?? "", /step 10 of 100 · 2\.5 steps\/s · 1,760 tokens\/s · about 1:05 left/);
    const failed = progressBar({status: "failed", step: 3, steps: 100, speed: null, message: "blew up"});
    assert.equal(failed.querySelector("[role=alert]")!.textContent, "blew up");
    assert.equal(duration(3723), "1:02:03");
  });

  it("sampleList shows the newest first, as text, with verdicts", () => {
    const list = sampleList([
      {step: 0, lines: [{text: "<b>not html</b>", prompt: "Th"}]},
      {step: 5, lines: [{text: "1 + 2 = 3", ok: true}]}
    ]);
    assert.equal(list.querySelector(".tg-sample-step")!.textContent, "step 5");
    assert.equal(list.querySelectorAll("b").length, 0, "reader text is never HTML");
    assert.match(list.textContent ?? "", /<b>not html<\/b>/);
    assert.equal(list.querySelector(".tg-ok")!.textContent, " ✓");
  });
});
