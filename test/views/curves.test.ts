import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {curves} from "../../src/views/curves.js";

installDom();

describe("curves", () => {
  it("curves(series) draws one path per series with a legend, emphasising one", () => {
    const figure = curves(
      [
        {name: "relu", values: [0, 0, 1]},
        {name: "gelu", values: [-0.1, 0, 0.8]}
      ],
      {x: [-1, 0, 1], emphasis: "gelu", name: "c"}
    );
    const paths = [...figure.querySelectorAll("path.tg-curve")];
    assert.deepEqual(
      paths.map((p) => p.getAttribute("data-series")),
      ["relu", "gelu"]
    );
    assert.equal(paths[1].getAttribute("stroke-width"), "3");
    assert.deepEqual(
      [...figure.querySelectorAll(".tg-keys span")].map((s) => s.textContent),
      ["relu", "gelu"]
    );
    assert.equal(figure.dataset.name, "c");
  });

  it("curves never draws wider than 720 px", () => {
    const figure = curves([{name: "a", values: [1, 2]}], {width: 2000});
    assert.equal(figure.querySelector("svg")!.getAttribute("width"), "720");
  });
});
