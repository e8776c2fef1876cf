// Chapter 8's over-fitting demonstration: its run (the small model on the toy sentences, hard), and where the curves
// part, in numbers and in words.
import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {countParams} from "../../../src/gpt/count.js";
import {OVERFIT, overfitRun, parting, partingText} from "../../../src/components/training/overfit.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

const points = (values: number[], every = 10) => values.map((value, i) => ({step: i * every, value}));

describe("the over-fitting demonstration", () => {
  it("trains the small model on the toy sentences at a constant 3e-3, without weight decay or dropout", () => {
    const {data, config, plan} = overfitRun();
    assert.equal(data.label, "the toy sentences");
    assert.deepEqual([config.nLayer, config.nEmbd, config.dropout], [2, 64, 0]);
    assert.ok(countParams(config).total > 100 * data.sizes.train, "hundreds of parameters per training character");
    const {steps, batchSize, lr, schedule, weightDecay, evalEvery} = plan.settings;
    assert.deepEqual(
      {steps, batchSize, lr, schedule, weightDecay, evalEvery},
      {steps: OVERFIT.steps, batchSize: 16, lr: 3e-3, schedule: "constant", weightDecay: 0, evalEvery: 10}
    );
  });

  it("parting: the lowest validation loss and the last, with the training loss around each", () => {
    const train = points(
      Array.from({length: 31}, (_, i) => 3 - i * 0.09),
      1
    ); // steps 0–30
    const val = points([3, 1.2, 0.6, 0.9]); // steps 0, 10, 20, 30
    const p = parting({train, val})!;
    assert.deepEqual([p.best, p.last], [val[2], val[3]]);
    assert.ok(Math.abs(p.trainAtBest - (3 - 0.09 * 15.5)) < 1e-9, "mean of steps 11–20");
    assert.match(
      partingText(p),
      /^The validation loss was lowest, 0\.60 at step 20 .* 0\.90 at step 30 now, 0\.30 higher/
    );
    assert.equal(parting({train, val: val.slice(0, 1)}), null);
    assert.match(partingText(parting({train, val: val.slice(0, 3)})), /^The validation loss is still falling/);
    assert.match(partingText(null), /^Start the run/);
  });
});
