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
import {additionCard} from "../../src/views/additionCard.js";
import {attentionMap} from "../../src/views/attentionMap.js";
import {batchView} from "../../src/views/batchView.js";
import {gradAtlas} from "../../src/views/gradAtlas.js";
import {cacheGrid, ranChart} from "../../src/views/kvCache.js";
import {nextTokenTable} from "../../src/views/nextToken.js";
import {table} from "../../src/views/table.js";
import {tokenText} from "../../src/views/tokenText.js";
import {lossChart} from "../../src/views/trainCharts.js";
import {panels} from "../../src/views/panels.js";

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

  it("names the figures of the token, training, generation and addition views by what they show", () => {
    const weights = [
      [1, 0],
      [0.5, 0.5]
    ];
    const sum = {a: 12, b: 34, prompt: "12+34=", written: "64", answer: 46, truth: 46, right: true};
    const wrong = {...sum, written: "011", answer: 110, right: false};
    const candidate = {id: 0, token: "a", p: 0.6, scaled: 0.6, keptK: null, keptP: null, final: 0.6, chosen: true};
    const names = [
      additionCard({...sum, digitRight: [true, true], confidence: [0.9, 0.8]}),
      additionCard({...wrong, digitRight: [false, false, false], confidence: [0.9, 0.8, 0.7]}),
      attentionMap(weights, {tokens: ["a", "b"], label: "head 0"}),
      batchView(
        [
          {x: [0, 1, 2], y: [1, 2, 0]},
          {x: [2, 1, 0], y: [1, 0, 2]}
        ],
        {vocab: ["a", "b", "c"]}
      ),
      gradAtlas([
        {name: "wte", shape: [2, 2], values: [1, 2, 3, 4]},
        {name: "wpe", shape: [2], values: [1, 2]}
      ]),
      cacheGrid({layers: 2, blockSize: 8, cached: 3, ran: 1, tokens: ["a", "b", "c"]}),
      ranChart([
        {index: 0, ran: 1, read: 1},
        {index: 1, ran: 1, read: 2}
      ]),
      ranChart([]),
      nextTokenTable([candidate], {kept: 1, vocabSize: 3}),
      table([{a: 1}, {a: 2}], [{key: "a", label: "A", value: (r: {a: number}) => r.a}], {caption: "counts"}),
      tokenText([
        {text: "ab", ids: [0], chunk: 0},
        {text: "c", ids: [1], chunk: 0}
      ]),
      lossChart([{step: 1, value: 3}], [{step: 0, value: 3}], Math.log(3), {steps: 10}),
      panels([
        {title: "layer 0", matrix: weights},
        {title: "layer 1", matrix: weights}
      ])
    ].map((figure) => [figure.tagName, figure.getAttribute("aria-label")]);
    assert.deepEqual(names, [
      ["FIGURE", "12 + 34: the model wrote 46, right"],
      ["FIGURE", "12 + 34: the model wrote 110, wrong, the sum is 46"],
      ["FIGURE", "head 0: each of 2 queries weighs the tokens up to it, from 0 to 1"],
      ["FIGURE", "batch: 2 examples of 3 tokens, inputs over targets"],
      ["FIGURE", "gradients: 2 tensors: wte, wpe"],
      ["FIGURE", "KV cache: 3 positions of 8 held in each of 2 layers, 1 run at this step"],
      ["FIGURE", "positions run per new token: for new token 2, 1 position with the cache, 2 without"],
      ["FIGURE", "positions run per new token: no tokens yet"],
      ["FIGURE", "next token: 1 candidate and their probabilities"],
      ["FIGURE", "counts: table of 2 rows"],
      ["FIGURE", "text as tokens: 2 tokens"],
      ["FIGURE", "Loss: 2 points so far"],
      ["FIGURE", "2 panels: layer 0, layer 1"]
    ]);
  });
});
