import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {table} from "../../src/views/table.js";

installDom();

describe("table", () => {
  it("table(rows, columns) writes numbers with separators, keeps them exact in data-value, and text as text", () => {
    const rows = [
      {name: "<b>gpt2</b>", n: 124439808},
      {name: "total", n: 7}
    ];
    const figure = table(
      rows,
      [
        {key: "name", label: "name", value: (r) => r.name},
        {key: "n", label: "n", value: (r) => r.n, emphasis: (r) => r.n > 10}
      ],
      {name: "t", rowKey: (r) => r.name, total: (r) => r.name === "total", caption: "two rows"}
    );
    assert.equal(figure.dataset.name, "t");
    const cells = [...figure.querySelectorAll<HTMLElement>('td[data-key="n"]')];
    assert.deepEqual(
      cells.map((c) => c.textContent),
      ["124,439,808", "7"]
    );
    assert.deepEqual(
      cells.map((c) => c.dataset.value),
      ["124439808", "7"]
    );
    assert.ok(cells[0].classList.contains("tg-num") && cells[0].classList.contains("tg-emphasis"));
    assert.ok(!cells[1].classList.contains("tg-emphasis"));
    assert.equal(figure.querySelector("b"), null, "text is never parsed as HTML");
    assert.ok(figure.querySelector('tr[data-id="total"]')!.classList.contains("tg-total"));
    assert.deepEqual(
      [...figure.querySelectorAll("th")].map((th) => th.textContent),
      ["name", "n"]
    );
    assert.equal(figure.querySelector("figcaption")!.textContent, "two rows");
  });

  it("table puts a node (a formula) in its cell as it is", () => {
    const node = document.createElement("span");
    node.className = "formula";
    const figure = table([{}], [{key: "f", label: "f", value: () => node}]);
    assert.equal(figure.querySelector("td .formula"), node);
  });

  it("table aligns a number column's heading with its numbers and marks wrap columns' cells as free to wrap", () => {
    const figure = table(
      [{name: "gpt3-175b", shape: "50257 · 2048 · 96 · 12288", n: 174604259328}],
      [
        {key: "name", label: "preset", value: (r) => r.name},
        {key: "shape", label: "V · T · L · C", value: (r) => r.shape, wrap: true},
        {key: "n", label: "total", value: (r) => r.n},
        {key: "mb", label: "memory", value: () => "2.79 TB", align: "right"}
      ]
    );
    const heads = [...figure.querySelectorAll("th")].map((th) => th.classList.contains("tg-num"));
    assert.deepEqual(heads, [false, false, true, true]);
    const wraps = [...figure.querySelectorAll("td")].map((td) => td.classList.contains("tg-wrap"));
    assert.deepEqual(wraps, [false, true, false, false]);
  });
});
