import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {figureName, spokenRange, viewFigure} from "../../src/views/figure.js";
import {bars} from "../../src/views/bars.js";
import {curves} from "../../src/views/curves.js";
import {heatmap} from "../../src/views/heatmap.js";
import {histogram} from "../../src/views/histogram.js";
import {maskView} from "../../src/views/maskView.js";
import {multiples} from "../../src/views/multiples.js";
import {shapeFlow} from "../../src/views/shapeFlow.js";
import {shares} from "../../src/views/shares.js";
import {tokenStrip} from "../../src/views/tokenStrip.js";
import {vocabTable} from "../../src/views/vocabTable.js";

installDom();

describe("viewFigure: every view's figure says in words what it shows", () => {
  it("names the figure 'title: what it shows', with its class and data-name", () => {
    const figure = viewFigure("tg-x", {title: "attention", shows: "8 × 8 heatmap"}, "att");
    assert.equal(figure.tagName, "FIGURE");
    assert.equal(figure.className, "tg-x");
    assert.equal(figure.dataset.name, "att");
    assert.equal(figure.getAttribute("aria-label"), "attention: 8 × 8 heatmap");
    assert.equal(figureName({title: "", shows: "3 panels"}), "3 panels", "no title: what it shows alone");
  });

  it("says a range over the finite numbers, rounded to three digits, with a true minus sign", () => {
    assert.equal(spokenRange([0.123456, -Infinity, -2.5, 7]), "from −2.5 to 7");
    assert.equal(spokenRange([1, 1]), "all 1");
    assert.equal(spokenRange([-Infinity]), "no finite values");
  });

  it("names the figures of the views with their title, size and numbers", () => {
    const mask = [
      [0, -Infinity],
      [0, 0]
    ];
    const names = [
      heatmap(
        [
          [1, -2],
          [0.5, 3]
        ],
        {label: "att"}
      ),
      bars([0.1, 0.2, 0.7], {label: "p"}),
      curves([{name: "loss", values: [3, 2, 1]}], {xLabel: "step"}),
      histogram([1, 2, 3, 4], {label: "weights"}),
      maskView(mask),
      multiples([
        {title: "head 0", matrix: mask},
        {title: "head 1", matrix: mask}
      ]),
      shapeFlow([
        {label: "idx", dims: "B, T", shape: [1, 8], op: "wte"},
        {label: "tokEmb", dims: "B, T, C", shape: [1, 8, 16]}
      ]),
      shares([
        {label: "embeddings", value: 1},
        {label: "blocks", value: 3}
      ]),
      tokenStrip(["a", "b"]),
      vocabTable(["a", "b", "c"])
    ].map((figure) => figure.getAttribute("aria-label"));
    assert.deepEqual(names, [
      "att: 2 × 2 heatmap, from −2 to 3",
      "p: 3 bars, from 0.1 to 0.7",
      "loss: 1 curve against step, from 1 to 3",
      "weights: histogram of 4 values, mean 2.5, standard deviation 1.12",
      "attention mask: 2 × 2, 3 open pairs",
      "2 heatmaps: head 0, head 1",
      "shapes: idx (B, T) = (1, 8), wte, tokEmb (B, T, C) = (1, 8, 16)",
      "shares: embeddings 25.0%, blocks 75.0%",
      "tokens: 2 tokens",
      "vocabulary: 3 tokens"
    ]);
  });
});
