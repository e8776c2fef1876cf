import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom, ramp} from "../helpers/dom.js";
import {gradAtlas, norm, pool, rowsOf} from "../../src/views/gradAtlas.js";

installDom();

describe("gradAtlas", () => {
  it("rowsOf(values, shape) reshapes row-major; a vector is one row", () => {
    assert.deepEqual(rowsOf([1, 2, 3, 4, 5, 6], [2, 3]), [
      [1, 2, 3],
      [4, 5, 6]
    ]);
    assert.deepEqual(rowsOf(Float32Array.from([1, 2]), [2]), [[1, 2]]);
  });

  it("pool(m, r, c) keeps each block's entry of largest magnitude, with its sign", () => {
    const m = [
      [1, -5, 0, 0],
      [2, 3, 0, 0.5]
    ];
    assert.deepEqual(pool(m, 1, 2), [[-5, 0.5]]);
    assert.deepEqual(pool(m, 2, 4), m, "small matrices are left alone");
    assert.deepEqual([pool(ramp(100, 7), 10, 7).length, pool(ramp(100, 7), 10, 7)[0].length], [10, 7]);
  });

  it("gradAtlas(entries) draws a titled tile per tensor: heatmaps for matrices, bars for vectors", () => {
    const figure = gradAtlas(
      [
        {name: "transformer.wte.weight", shape: [3, 2], values: [3, 0, 0, 4, 0, 0]},
        {name: "transformer.ln_f.bias", shape: [2], values: [1, -1]},
        {name: "big", shape: [100, 200], values: new Float32Array(20000)}
      ],
      {width: 700, selected: "transformer.ln_f.bias", name: "grads"}
    );
    const tiles = [...figure.querySelectorAll<HTMLElement>(".tg-atlas-tile")];
    assert.equal(tiles.length, 3);
    assert.equal(tiles[0].querySelector(".tg-atlas-title")!.textContent, "wte.weight");
    assert.equal(Number(tiles[0].dataset.norm), 5);
    assert.ok(tiles[0].querySelector(".tg-heatmap") && tiles[1].querySelector(".tg-bars"));
    assert.ok(tiles[1].classList.contains("tg-selected"));
    assert.match(tiles[2].querySelector(".tg-atlas-facts")!.textContent!, /100 × 200 .* pooled/);
    const pooled = tiles[2].querySelector<HTMLElement>(".tg-heatmap")!.dataset;
    assert.deepEqual([pooled.rows, pooled.cols], ["50", "50"], "100 × 200 in blocks of 2 × 4, within 64 × 64");
    assert.equal(norm([3, 4]), 5);
  });
});
