import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom, ramp} from "../helpers/dom.js";
import {colorScale, finiteMin, heatmap} from "../../src/views/heatmap.js";
import {tickFormat} from "../../src/views/legend.js";

installDom();

describe("heatmap", () => {
  it("heatmap(matrix) keeps its matrix, reports rows, cols and a symmetric extent of the largest |value|", () => {
    const m = ramp(4, 8);
    const figure = heatmap(m, {name: "w", label: "W"});
    assert.equal(figure.matrix, m);
    assert.equal(figure.dataset.name, "w");
    assert.equal(figure.dataset.rows, "4");
    assert.equal(figure.dataset.cols, "8");
    assert.equal(figure.dataset.extent, "7");
    assert.match(figure.querySelector("canvas")!.getAttribute("aria-label")!, /W: 4 × 8 heatmap/);
  });

  it("heatmap's legend spans [-extent, extent], given or found", () => {
    const ticks = (f: HTMLElement) => [...f.querySelectorAll(".tg-legend .tick text")].map((t) => t.textContent);
    assert.deepEqual(ticks(heatmap(ramp(2, 3))), ["−2", "−1", "0", "1", "2"]);
    assert.deepEqual(ticks(heatmap(ramp(2, 3), {extent: 1})), ["−1", "−0.5", "0", "0.5", "1"]);
  });

  it("heatmap ignores −∞ (masked) cells for the extent and says so in the legend", () => {
    const figure = heatmap([
      [0.5, -Infinity],
      [0.25, -0.75]
    ]);
    assert.equal(figure.dataset.extent, "0.75");
    assert.match(figure.querySelector(".tg-legend")!.textContent!, /masked/);
    assert.doesNotMatch(heatmap([[1]]).querySelector(".tg-legend")!.textContent!, /masked/);
  });

  it("heatmap cells shrink to fit the width, stay square, and scroll below 3 px instead of overflowing", () => {
    const cell = (rows: number, cols: number, width: number) => Number(heatmap(ramp(rows, cols), {width}).dataset.cell);
    assert.equal(cell(4, 8, 640), 24, "tiny matrices use the largest cell");
    assert.ok(cell(64, 128, 640) <= 5, "T = 64, C = 128 fits 640 px");
    const wide = heatmap(ramp(8, 512), {width: 640});
    assert.equal(wide.dataset.cell, "3");
    assert.equal(wide.querySelector<HTMLElement>(".tg-scroll")!.className, "tg-scroll");
    const stage = wide.querySelector<HTMLElement>(".tg-heatmap-stage")!;
    assert.ok(parseFloat(stage.style.width) > 640, "wider than the page: its scroller scrolls");
    const scroller = wide.querySelector<HTMLElement>(".tg-scroll")!;
    assert.equal(scroller.tabIndex, 0, "and the keyboard can reach it to scroll");
    assert.match(scroller.getAttribute("aria-label")!, /8 × 512: the arrow keys read its cells; scrolls sideways/);
    const narrow = heatmap(ramp(4, 8), {width: 640}).querySelector<HTMLElement>(".tg-scroll")!;
    assert.doesNotMatch(narrow.getAttribute("aria-label")!, /scrolls/, "one that fits does not say it scrolls");
  });

  it("heatmap fits tall matrices into maxHeight", () => {
    const figure = heatmap(ramp(64, 4), {width: 640, maxHeight: 320});
    assert.ok(64 * Number(figure.dataset.cell) + Number(figure.dataset.top) <= 320);
  });

  it("heatmap's read-out and onHover follow the pointer; it names the labels and the value", () => {
    const hovered: unknown[] = [];
    const figure = heatmap(
      [
        [1, 2],
        [3, -Infinity]
      ],
      {rowLabels: ["a", " "], colLabels: ["x", "y"], label: "att", onHover: (c) => hovered.push(c)}
    );
    const overlay = figure.querySelector<HTMLCanvasElement>(".tg-heatmap-overlay")!;
    const {left, top, cell} = figure.dataset;
    const move = (i: number, j: number) => {
      const event = new Event("pointermove") as Event & {offsetX: number; offsetY: number};
      Object.assign(event, {
        offsetX: Number(left) + (j + 0.5) * Number(cell),
        offsetY: Number(top) + (i + 0.5) * Number(cell)
      });
      overlay.dispatchEvent(event);
    };
    move(0, 1);
    assert.equal(figure.querySelector("figcaption")!.textContent, "[a 0, 1 y] att = 2.0000");
    move(1, 1);
    assert.equal(figure.querySelector("figcaption")!.textContent, "[␣ 1, 1 y] att = −∞ (masked)");
    overlay.dispatchEvent(new Event("pointerleave"));
    assert.match(figure.querySelector("figcaption")!.textContent!, /hover a cell/);
    assert.deepEqual(hovered, [{i: 0, j: 1}, {i: 1, j: 1}, null]);
  });

  it("heatmap's cells are read by keyboard: arrows move the crosshair within the map, Home/End, Escape leaves", () => {
    const hovered: unknown[] = [];
    const matrix = [
      [0, 1, 2],
      [3, 4, 5]
    ];
    const figure = heatmap(matrix, {label: "W", rowLabels: ["a", "b"], onHover: (c) => hovered.push(c)});
    const map = figure.querySelector<HTMLElement>(".tg-scroll")!;
    const readout = figure.querySelector("figcaption")!;
    assert.equal(map.tabIndex, 0, "a tab stop");
    assert.equal(map.getAttribute("role"), "group");
    assert.equal(map.getAttribute("aria-label"), "W, 2 × 3: the arrow keys read its cells");
    const press = (key: string) => {
      const event = new Event("keydown", {cancelable: true}) as Event & {key: string};
      Object.assign(event, {key});
      map.dispatchEvent(event);
      return event.defaultPrevented;
    };
    map.dispatchEvent(new Event("focus"));
    assert.equal(readout.getAttribute("aria-live"), "polite", "announced while the map has focus");
    assert.equal(press("ArrowRight"), true, "the arrow key moves the crosshair, not the page");
    assert.equal(readout.textContent, "[a 0, 0] W = 0.0000", "the first arrow lands on the first cell");
    press("ArrowRight");
    press("ArrowDown");
    assert.equal(readout.textContent, "[b 1, 1] W = 4.0000");
    press("ArrowDown");
    press("End");
    assert.equal(readout.textContent, "[b 1, 2] W = 5.0000", "held at the edge; End goes to the row's end");
    press("Home");
    assert.equal(press("a"), false, "other keys are left alone");
    press("Escape");
    assert.match(readout.textContent!, /hover a cell, or focus the map and use the arrow keys/);
    press("ArrowUp");
    map.dispatchEvent(new Event("blur"));
    assert.equal(readout.hasAttribute("aria-live"), false);
    assert.deepEqual(hovered, [
      {i: 0, j: 0},
      {i: 0, j: 1},
      {i: 1, j: 1},
      {i: 1, j: 2},
      {i: 1, j: 0},
      null,
      {i: 0, j: 0},
      null
    ]);
  });

  it("heatmap's sequential scale runs from 0 to the largest value, white to dark, with a legend from 0", () => {
    const m = [
      [0, 0.25],
      [0.5, 1]
    ];
    const figure = heatmap(m, {scale: "sequential"});
    assert.equal(figure.dataset.scale, "sequential");
    assert.equal(figure.dataset.extent, "1");
    const ticks = [...figure.querySelectorAll(".tg-legend .tick text")].map((t) => t.textContent);
    assert.deepEqual(ticks, ["0", "0.25", "0.5", "0.75", "1"]);
    const stops = [...figure.querySelectorAll(".tg-legend stop")].map((s) => s.getAttribute("stop-color"));
    assert.equal(stops[0], colorScale("sequential", 1)(0));
    assert.equal(stops.at(-1), colorScale("sequential", 1)(1));
    assert.equal(heatmap(m).dataset.scale, "diverging", "signed is the default");
  });

  it("a sequential scale fitted to the spread (lower) runs from the smallest value: losses near 3.1 are told apart", () => {
    const losses = [
      [3.05, 3.2, NaN],
      [3.32, 3.1, 3.15]
    ];
    assert.equal(finiteMin(losses), 3.05);
    const figure = heatmap(losses, {scale: "sequential", lower: finiteMin(losses), missing: "not scored"});
    assert.deepEqual([figure.dataset.lower, figure.dataset.extent], ["3.05", "3.32"]);
    const ticks = [...figure.querySelectorAll(".tg-legend .tick text")].map((t) => t.textContent);
    assert.deepEqual(ticks, ["3.05", "3.12", "3.18", "3.25", "3.32"], "distinct ticks, as many decimals as needed");
    const color = colorScale("sequential", 3.32, 3.05);
    assert.notEqual(color(3.05), color(3.32), "the ends of the spread differ");
    assert.match(figure.querySelector(".tg-legend")!.textContent!, /not scored/);
    assert.doesNotMatch(figure.querySelector(".tg-legend")!.textContent!, /masked/);
    assert.equal(heatmap([[1, 2]], {lower: 1}).dataset.lower, "0", "a diverging scale stays centred at 0");
  });

  it("legend ticks stay short: tiny or huge domains in powers of ten, three of them; others with the decimals needed", () => {
    const v = heatmap([[0, 6e-7, 1.2e-6]], {scale: "sequential", width: 640});
    const ticks = [...v.querySelectorAll(".tg-legend .tick text")].map((t) => t.textContent);
    assert.deepEqual(ticks, ["0", "6e-7", "1.2e-6"]);
    assert.ok(
      ticks.every((t) => t!.length <= 6),
      "no 0.0000012"
    );
    assert.equal(tickFormat([-2, 2], 4)(-1), "−1");
    assert.equal(tickFormat([0, 2.5e5], 2)(1.25e5), "1.3e+5");
    assert.equal(tickFormat([0, 1], 4)(0.25), "0.25");
  });

  it("colorScale: sequential is white at 0 and darkens with the value; diverging is white at 0, red above, blue below", () => {
    const lum = (c: string) => {
      const [r, g, b] = c.match(/\d+/g)!.map(Number);
      return r + g + b;
    };
    const seq = colorScale("sequential", 2);
    assert.ok(lum(seq(0)) > 740, `0 is near white: ${seq(0)}`);
    assert.ok(lum(seq(0)) > lum(seq(1)) && lum(seq(1)) > lum(seq(2)), "darker as it grows");
    assert.equal(seq(-1), seq(0), "a negative value (there should be none) takes 0's colour");
    const div = colorScale("diverging", 2);
    const rgb = (c: string) => c.match(/\d+/g)!.map(Number);
    assert.ok(rgb(div(2))[0] > rgb(div(2))[2], "positive is red");
    assert.ok(rgb(div(-2))[2] > rgb(div(-2))[0], "negative is blue");
  });

  it("heatmap keeps labelled rows tall enough for a label each when the matrix is wide; square cells otherwise", () => {
    const labels = Array.from({length: 16}, (_, i) => String(i));
    const wide = heatmap(ramp(16, 64), {width: 400, rowLabels: labels});
    assert.ok(Number(wide.dataset.cell) < 10, "columns are narrow");
    assert.equal(wide.dataset.cellHeight, "12", "rows stay 12 px: every label fits");
    const square = heatmap(ramp(16, 16), {width: 400, rowLabels: labels});
    assert.equal(square.dataset.cellHeight, square.dataset.cell);
    const unlabelled = heatmap(ramp(16, 64), {width: 400});
    assert.equal(unlabelled.dataset.cellHeight, unlabelled.dataset.cell);
    const tall = heatmap(ramp(64, 256), {width: 400, maxHeight: 300, rowLabels: labels});
    assert.ok(64 * Number(tall.dataset.cellHeight) + Number(tall.dataset.top) <= 300, "maxHeight still holds");
  });
  it("a named heatmap drawn again updates the same figure in place: its matrix, sizes, legend and read-out", () => {
    const first = heatmap(ramp(2, 3), {name: "inPlace", label: "A"});
    const legend = first.querySelector(".tg-legend");
    const ticks = (f: HTMLElement) => [...f.querySelectorAll(".tg-legend .tick text")].map((t) => t.textContent);
    assert.deepEqual(ticks(first), ["−2", "−1", "0", "1", "2"]);
    const m = ramp(4, 5);
    const again = heatmap(m, {name: "inPlace", label: "B"});
    assert.equal(again, first, "the same figure");
    assert.equal(again.querySelector(".tg-legend"), legend, "the same legend, updated");
    assert.equal(again.matrix, m);
    assert.deepEqual([again.dataset.rows, again.dataset.cols, again.dataset.extent], ["4", "5", "4"]);
    assert.deepEqual(ticks(again), ["−4", "−2", "0", "2", "4"]);
    assert.equal(again.querySelectorAll("canvas").length, 1);
    assert.match(again.querySelector("figcaption")!.textContent!, /^B · 4 × 5/);
    assert.notEqual(heatmap(ramp(2, 3), {name: "other"}), first, "another name, another figure");
    assert.notEqual(heatmap(ramp(2, 3)), heatmap(ramp(2, 3)), "unnamed heatmaps are built anew");
  });
});
