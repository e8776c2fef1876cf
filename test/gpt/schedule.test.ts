import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {learningRate, makeSchedule, scheduleCurve} from "../../src/gpt/schedule.js";

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe("learning-rate schedules", () => {
  it("a constant schedule gives lr at every step", () => {
    const s = makeSchedule({lr: 3e-4, decaySteps: 100});
    for (const step of [0, 1, 50, 99, 500]) assert.equal(learningRate(step, s), 3e-4);
  });

  it("cosine starts at lr, is halfway at half the run and reaches minLr at the end", () => {
    const s = makeSchedule({kind: "cosine", lr: 1e-3, decaySteps: 1000});
    near(learningRate(0, s), 1e-3, "start");
    near(learningRate(500, s), 5e-4, "half"); // ½(1 + cos(π/2)) = ½
    near(learningRate(250, s), 1e-3 * 0.5 * (1 + Math.SQRT1_2), "quarter"); // cos(π/4) = √2/2
    near(learningRate(1000, s), 0, "end");
  });

  it("warmup + cosine reproduces nanoGPT's get_lr for its baby Shakespeare settings", () => {
    // lr 1e-3, min_lr 1e-4, warmup_iters 100, lr_decay_iters 2000
    const s = makeSchedule({kind: "cosine", lr: 1e-3, minLr: 1e-4, warmup: 100, decaySteps: 2000});
    near(learningRate(0, s), 1e-3 / 101, "first warmup step: lr·1/(warmup + 1)");
    near(learningRate(49, s), (1e-3 * 50) / 101, "mid-warmup");
    near(learningRate(99, s), (1e-3 * 100) / 101, "last warmup step");
    near(learningRate(100, s), 1e-3, "peak");
    near(learningRate(1050, s), 5.5e-4, "halfway between peak and floor");
    near(learningRate(2000, s), 1e-4, "floor at lr_decay_iters");
    near(learningRate(2500, s), 1e-4, "floor after it");
  });

  it("warmup then constant holds lr after the warmup", () => {
    const s = makeSchedule({lr: 2e-3, warmup: 3, decaySteps: 10});
    assert.deepEqual(
      [0, 1, 2, 3, 9].map((i) => learningRate(i, s)),
      [5e-4, 1e-3, 1.5e-3, 2e-3, 2e-3]
    );
  });

  it("makeSchedule rejects a non-positive lr, a fractional warmup and a floor above the peak", () => {
    assert.throws(() => makeSchedule({lr: 0, decaySteps: 10}), /lr/);
    assert.throws(() => makeSchedule({lr: 1e-3, warmup: 1.5, decaySteps: 10}), /warmup/);
    assert.throws(() => makeSchedule({lr: 1e-3, minLr: 1e-2, decaySteps: 10}), /minLr/);
  });

  it("scheduleCurve samples a run evenly and at its last update, numbering updates from 1", () => {
    const s = makeSchedule({kind: "cosine", lr: 1e-3, minLr: 1e-4, warmup: 100, decaySteps: 1000});
    const curve = scheduleCurve(s, 1000, 240); // every 4th update, then the last
    assert.equal(curve.length, 251);
    assert.deepEqual(curve[0], {step: 1, lr: learningRate(0, s)});
    assert.deepEqual(curve[25], {step: 101, lr: 1e-3}, "the peak, after the warmup");
    assert.deepEqual(curve.at(-1), {step: 1000, lr: learningRate(999, s)});
    assert.ok(curve.every((p, i) => i === 0 || p.step > curve[i - 1].step));
    assert.deepEqual(
      scheduleCurve(makeSchedule({lr: 1e-3, decaySteps: 3}), 3).map((p) => p.step),
      [1, 2, 3]
    );
  });
});
