// Chapter 8's sums as the page lists them: a right answer alone, a wrong one beside what the model wrote.
import {describe, it} from "node:test";
import assert from "node:assert/strict";
import type {SumAnswer} from "../../../src/gpt/evaluate.js";
import {sumLine} from "../../../src/components/training/probes.js";

const answer = (a: number, b: number, written: string): SumAnswer => {
  const answer = /^\d+$/.test(written) ? Number([...written].reverse().join("")) : NaN;
  const truth = String(a + b).padStart(4, "0");
  const digitRight = [...written].map((c, k) => c === [...truth].reverse()[k]);
  return {
    a,
    b,
    prompt: "",
    written,
    answer,
    truth: a + b,
    right: digitRight.every(Boolean),
    digitRight,
    confidence: []
  };
};

describe("sumLine", () => {
  it("a right answer is the sum alone", () => {
    assert.equal(sumLine(answer(426, 512, "8390")), "426 + 512 = 938");
  });

  it("a wrong answer shows the right sum and what the model wrote, read in the usual order", () => {
    assert.equal(sumLine(answer(426, 512, "0111")), "426 + 512 = 938, model wrote 1110");
    assert.equal(sumLine(answer(426, 512, "8300")), "426 + 512 = 938, model wrote 38");
  });

  it("a wrong answer with a token that is not a digit shows the tokens as written, reversed", () => {
    assert.equal(sumLine(answer(1, 2, "3+00")), "1 + 2 = 3, model wrote 00+3");
  });
});
