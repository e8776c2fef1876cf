import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {attentionMap} from "../../src/views/attentionMap.js";

installDom();

const weights = [
  [1, 0, 0],
  [0.5, 0.5, 0],
  [0.2, 0.3, 0.5]
];

describe("attentionMap", () => {
  it("attentionMap(weights, {tokens}) lists each row's sum and labels rows and columns with the tokens", () => {
    const figure = attentionMap(weights, {tokens: ["a", " ", "c"], name: "att"});
    const sums = [...figure.querySelectorAll<HTMLElement>(".tg-sums li")].map((li) => Number(li.dataset.sum));
    assert.deepEqual(sums, [1, 1, 1]);
    const map = figure.querySelector<HTMLElement & {matrix: number[][]}>("[data-name=att]")!;
    assert.equal(map.matrix, weights);
    assert.equal(map.dataset.extent, "1");
    assert.equal(map.dataset.scale, "sequential", "weights are never negative: 0 → 1, no diverging scale");
    assert.equal(figure.querySelectorAll(".tg-strip li").length, 3);
  });

  it("hovering a cell marks the query and the key in the token strip", () => {
    const figure = attentionMap(weights, {tokens: [..."abc"]});
    const map = figure.querySelector<HTMLElement>(".tg-heatmap")!;
    const {left, top, cell} = map.dataset;
    const event = new Event("pointermove") as Event & {offsetX: number; offsetY: number};
    Object.assign(event, {offsetX: Number(left) + 0.5 * Number(cell), offsetY: Number(top) + 2.5 * Number(cell)});
    map.querySelector(".tg-heatmap-overlay")!.dispatchEvent(event);
    const items = [...figure.querySelectorAll(".tg-strip li")];
    assert.ok(items[2].classList.contains("tg-query"), "row 2 is the query");
    assert.ok(items[0].classList.contains("tg-key"), "column 0 is the key");
    assert.match(
      figure.querySelector(":scope > figcaption")!.textContent!,
      /query 2 "c" reads key 0 "a" with weight 0.2000/
    );
  });

  it("attentionMap's scale reaches the largest weight when dropout's rescaling lifts it above 1", () => {
    const dropped = [
      [1 / 0.7, 0],
      [0, 0.5 / 0.7]
    ];
    const map = attentionMap(dropped, {tokens: [..."ab"]}).querySelector<HTMLElement>(".tg-heatmap")!;
    assert.equal(Number(map.dataset.extent), 1 / 0.7);
  });

  it("attentionMap's row sums line up with the rows, tall or square", () => {
    const figure = attentionMap(weights, {tokens: [..."abc"], width: 200});
    const map = figure.querySelector<HTMLElement>(".tg-heatmap")!;
    const box = figure.querySelector<HTMLElement>(".tg-sums-box")!;
    assert.equal(box.style.getPropertyValue("--cell"), `${map.dataset.cellHeight}px`);
  });
});
