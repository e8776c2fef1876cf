import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {bars} from "../../src/views/bars.js";

installDom();

describe("bars", () => {
  it("bars(values) draws one bar per value, red up and blue down, and records the values", () => {
    const figure = bars([0.5, -0.25, 0], {name: "b", labels: ["a", "b", "c"]});
    const rects = [...figure.querySelectorAll("rect.tg-bar")];
    assert.equal(rects.length, 3);
    assert.equal(rects[0].getAttribute("fill"), "#c92a2a");
    assert.equal(rects[1].getAttribute("fill"), "#1c7ed6");
    assert.deepEqual(JSON.parse(figure.dataset.values!), [0.5, -0.25, 0]);
    assert.deepEqual(
      [...figure.querySelectorAll("text")].filter((t) => /^[abc]$/.test(t.textContent!)).map((t) => t.textContent),
      ["a", "b", "c"]
    );
  });

  it("bars keeps 128 bars inside the width and thins their labels", () => {
    const values = Array.from({length: 128}, (_, i) => Math.sin(i));
    const figure = bars(values, {width: 640, labels: values.map((_, i) => String(i))});
    const svg = figure.querySelector("svg")!;
    assert.ok(Number(svg.getAttribute("width")) <= 640);
    const labels = [...svg.querySelectorAll("text")].filter((t) => /^\d+$/.test(t.textContent!));
    assert.ok(labels.length < 64, `${labels.length} labels`);
  });

  it("bars gives each label its own room: the labels shown are further apart than they are wide", () => {
    const labels = "t→o o→␣ ␣→b b→e e→␣ ␣→o o→r r→␣ ␣→n n→o o→t t→␣ ␣→t t→o o→␣ ␣→b".split(" ");
    for (const width of [1200, 420, 200]) {
      const figure = bars(
        labels.map(() => 1.9),
        {width, labels, rule: {value: 1.95, label: "ln V = 1.95"}}
      );
      const shown = [...figure.querySelectorAll(".tg-bar-labels text")].map((t) => Number(t.getAttribute("x")));
      assert.ok(shown.length >= 2, `${shown.length} labels at width ${width}`);
      const apart = Math.min(...shown.slice(1).map((x, i) => x - shown[i]));
      assert.ok(apart >= 3 * 8.5 + 4, `labels ${apart.toFixed(1)} px apart at width ${width}`);
      assert.ok(Number(figure.querySelector("svg")!.getAttribute("width")) <= Math.max(width, 2 * labels.length + 120));
    }
  });

  it("bars uses a given domain and draws a reference rule", () => {
    const figure = bars([0.2, 0.3], {domain: [0, 1], rule: {value: 0.5, label: "1/2"}});
    assert.ok(figure.querySelector(".tg-rule"));
    const ticks = [...figure.querySelectorAll(".tick text")].map((t) => t.textContent);
    assert.equal(ticks.at(-1), "1.0");
  });

  it("bars sets the rule's label in the margin right of the last bar, inside the width", () => {
    const values = [0.1, 0.2, 0.15, 0.3, 0.25];
    const figure = bars(values, {width: 320, domain: [0, 0.35], rule: {value: 0.2, label: "uniform 1/T"}});
    const svg = figure.querySelector("svg")!;
    const last = [...svg.querySelectorAll("rect.tg-bar")].at(-1)!;
    const lastRight = Number(last.getAttribute("x")) + Number(last.getAttribute("width"));
    const label = svg.querySelector(".tg-rule-label")!;
    assert.equal(label.textContent, "uniform 1/T");
    assert.ok(Number(label.getAttribute("x")) > lastRight, "the label starts after the last bar ends");
    assert.equal(label.getAttribute("text-anchor"), null, "and runs rightwards from there");
    const room = Number(svg.getAttribute("width")) - 40 - Number(label.getAttribute("x"));
    assert.ok(room >= 6 * "uniform 1/T".length, `${room} px for the label`);
    assert.ok(Number(svg.getAttribute("width")) <= 320);
  });
});
