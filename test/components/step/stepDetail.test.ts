import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {HYPER_DEFAULTS, StepSession, type StepData} from "../../../src/components/step/stepSession.js";
import {
  adamDetail,
  exampleTokens,
  fmt,
  lossGrid,
  maxAbs,
  microBatches,
  position,
  streamPanels,
  streamRms,
  targetProbs,
  updatePanels,
  weightedLossTex,
  adamPanels
} from "../../../src/components/step/stepDetail.js";
import {useCpu} from "../../helpers/tf.js";

let step: StepData;
before(async () => {
  await useCpu();
  const session = new StepSession({...DEFAULT_MODEL, nEmbd: 8, dFF: 16, blockSize: 11}, "addition");
  step = await session.inspect({t: 1, draw: 0, hyper: {...HYPER_DEFAULTS, batchSize: 2}});
  session.dispose();
});

describe("stepDetail", () => {
  it("fmt(v) writes 4 significant digits and powers of ten for formulas", () => {
    assert.deepEqual(
      [fmt(0), fmt(3.14159), fmt(-0.001098), fmt(1.2054e-6), fmt(123456)],
      ["0", "3.142", "-0.001098", "1.205 \\times 10^{-6}", "1.235 \\times 10^{5}"]
    );
    assert.equal(fmt(Infinity), "\\infty");
  });

  it("position(index, shape) is the row-major position of a flat index", () => {
    assert.deepEqual(position(37, [8, 24]), [1, 13]);
    assert.deepEqual(position(5, [16]), [5]);
  });

  it("adamDetail(tensor, step) recomputes AdamW's terms and lands on the library's update", () => {
    for (const t of step.tensors) {
      const a = adamDetail(t, step);
      assert.equal(Math.abs(a.at.g), maxAbs(a.g), `${t.name}: the entry with the largest |g|`);
      const {lr} = step.settings;
      const expected = -lr * (a.at.direction + a.lambda * a.at.w);
      assert.ok(
        Math.abs(expected - a.at.update) <= 1e-4 * Math.abs(a.at.update) + 1e-8, // float32: after − before
        `${t.name}: ${expected} vs ${a.at.update}`
      );
      assert.equal(a.lambda, t.decay ? step.settings.weightDecay : 0);
    }
  });

  it("the example helpers read one example: tokens, p(target), losses with the ignored as 0, stream gradients", () => {
    const {x, y, pairs} = exampleTokens(step, 1, (id) => `t${id}`);
    assert.equal(x.length, 11);
    assert.equal(y.filter((t) => t === "·").length, 7, "the addition prompt is not scored");
    assert.match(pairs[0], /^t\d+→·$/);
    const p = targetProbs(step, 1);
    assert.ok(p.every((v, t) => (y[t] === "·" ? v === 0 : v > 0 && v < 1)));
    assert.equal(lossGrid(step)[0].filter((l) => l === 0).length, 7);
    const panels = streamPanels(step, 0);
    assert.equal(panels.length, step.stream.length);
    assert.match(panels[0].title, /last/);
    assert.match(panels.at(-1)!.title, /embeddings/);
    assert.equal(streamRms(step).length, step.stream.length);
  });

  it("weightedLossTex writes the accumulated loss as N_j/N · L_j terms, eliding the middle of more than 4", () => {
    const m = (scored: number, loss: number) => ({first: 0, rows: 2, scored, loss});
    assert.equal(weightedLossTex([m(8, 2.5), m(12, 3)], 20), "\\tfrac{8}{20} \\cdot 2.5 + \\tfrac{12}{20} \\cdot 3");
    const six = weightedLossTex(
      [1, 2, 3, 4, 5, 6].map((l) => m(2, l)),
      12
    );
    assert.equal(six, "\\tfrac{2}{12} \\cdot 1 + \\tfrac{2}{12} \\cdot 2 + \\dots + \\tfrac{2}{12} \\cdot 6");
  });

  it("microBatches(step) of one batch is the whole batch; the panels show a tensor in its shape", () => {
    assert.deepEqual(microBatches(step), [
      {first: 0, rows: 2, scored: step.supervised, loss: microBatches(step)[0].loss}
    ]);
    assert.ok(Math.abs(microBatches(step)[0].loss - step.loss) < 1e-5);
    const t = step.tensors.find((s) => s.shape.length === 2)!;
    const adam = adamPanels(t, adamDetail(t, step));
    assert.deepEqual(
      adam.map((p) => [p.name, p.matrix.length, p.matrix[0].length]),
      ["g", "m", "v", "direction", "decay", "update"].map((n) => [`adam.${n}`, ...t.shape])
    );
    const update = updatePanels(t);
    assert.equal(update[0].extent, update[2].extent, "before and after share a scale");
    assert.equal(update[0].extent, Math.max(maxAbs(t.before), maxAbs(t.after)));
  });
});
