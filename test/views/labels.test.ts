import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {columnGroups, indexLabels, nextLabels, tokenLabels} from "../../src/views/labels.js";

describe("labels", () => {
  it("indexLabels(n, prefix) counts from 0 to n − 1; tokenLabels makes spaces and line breaks visible", () => {
    assert.deepEqual(indexLabels(3), ["0", "1", "2"]);
    assert.deepEqual(indexLabels(2, "t"), ["t0", "t1"]);
    assert.deepEqual(indexLabels(0), []);
    assert.deepEqual(tokenLabels(["a", " ", "\n"]), ["a", "␣", "↵"]);
  });

  it("columnGroups(labels, size) splits the columns into consecutive runs of that size", () => {
    assert.deepEqual(columnGroups(["q", "k", "v"], 4), [
      {label: "q", start: 0, end: 4},
      {label: "k", start: 4, end: 8},
      {label: "v", start: 8, end: 12}
    ]);
  });

  it("nextLabels pairs each token with the next one, a dot where there is none", () => {
    assert.deepEqual(nextLabels(["t", "o", " "], ["o", " ", null]), ["t→o", "o→␣", "␣→·"]);
  });
});
