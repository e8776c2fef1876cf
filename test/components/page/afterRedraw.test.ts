import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {afterRedraw, flushOwed} from "../../../src/components/page/afterRedraw.js";

const turn = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("afterRedraw", () => {
  it("an owed write waits for the event to end, and only the last one of a key is made, once", async () => {
    const made: string[] = [];
    afterRedraw("model", () => made.push("seed 1"));
    afterRedraw("model", () => made.push("seed 2"));
    assert.deepEqual(made, [], "nothing is written inside the event");
    await turn(400);
    assert.deepEqual(made, ["seed 2"]);
    await turn(400);
    assert.deepEqual(made, ["seed 2"], "made once");
  });

  it("flushOwed (the page is hidden or left) makes every owed write at once, and none twice", async () => {
    const made: string[] = [];
    afterRedraw("model", () => made.push("model"));
    afterRedraw("weights", () => made.push("weights"));
    flushOwed();
    assert.deepEqual(made, ["model", "weights"]);
    await turn(400);
    assert.deepEqual(made, ["model", "weights"]);
  });
});
