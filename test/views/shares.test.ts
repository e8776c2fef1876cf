import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {installDom} from "../helpers/dom.js";
import {percent, shares} from "../../src/views/shares.js";

installDom();

describe("shares", () => {
  it("shares(parts) splits one bar in proportion and lists every part, zeros included", () => {
    const figure = shares(
      [
        {label: "a", value: 30},
        {label: "b", value: 10},
        {label: "c", value: 0}
      ],
      {width: 400, name: "s"}
    );
    assert.equal(figure.dataset.total, "40");
    const rects = [...figure.querySelectorAll("rect")];
    assert.equal(rects.length, 2, "a zero part is not drawn");
    const widths = rects.map((r) => Number(r.getAttribute("width")));
    assert.ok(Math.abs(widths[0] / widths[1] - 3) < 1e-9);
    assert.deepEqual(
      [...figure.querySelectorAll<HTMLElement>(".tg-keys span")].map((s) => s.dataset.label),
      ["a", "b", "c"]
    );
    assert.match(figure.querySelector(".tg-keys")!.textContent!, /a 30 \(75\.0%\)/);
  });

  it("percent(value, total) keeps small shares visible", () => {
    assert.equal(percent(1, 4), "25.0%");
    assert.equal(percent(1, 10_000), "0.010%");
    assert.equal(percent(0, 0), "0%");
  });
});
