import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {runModel} from "../../../src/components/reader/modelData.js";
import {
  activationCurves,
  attentionStats,
  dropoutDemo,
  rowRms,
  scaleDemo,
  streamStages
} from "../../../src/components/reader/chapterHelpers.js";
import {useCpu} from "../../helpers/tf.js";

before(useCpu);

describe("chapter helpers", () => {
  it("attentionStats sums the weight above the diagonal and the worst row error", () => {
    assert.deepEqual(
      attentionStats([
        [
          [0.5, 0.5],
          [0.25, 0.5]
        ]
      ]),
      {maxRowError: 0.25, future: 0.5}
    );
  });

  it("rowRms and streamStages describe the residual stream stage by stage", async () => {
    assert.deepEqual(
      rowRms([
        [3, 4],
        [0, 0]
      ]),
      [Math.sqrt(12.5), 0]
    );
    const d = await runModel({...DEFAULT_MODEL, nLayer: 3});
    const stages = streamStages(d);
    assert.deepEqual(
      stages.map((s) => s.title),
      ["embeddings", ...[0, 1, 2].flatMap((i) => [`block ${i} · after attention`, `block ${i} · after MLP`])]
    );
    assert.equal(stages[2].matrix, d.layers[0].out);
  });

  it("scaleDemo: dividing by √hs flattens the softmax", async () => {
    const d = await scaleDemo(64, 16, 1);
    assert.ok(Math.max(...d.softRaw) > Math.max(...d.softScaled));
    d.raw.forEach((v, i) => assert.ok(Math.abs(v / 8 - d.scaled[i]) < 1e-5));
  });

  it("activationCurves evaluates each activation with the model's code", async () => {
    const c = await activationCurves([-1, 0, 2]);
    assert.deepEqual(c.relu, [0, 0, 2]);
    assert.ok(Math.abs(c.gelu[2] - 2 * 0.97725) < 1e-4);
  });

  it("dropoutDemo is the identity in evaluation and zeroes or rescales in training", async () => {
    const m = [Array(200).fill(1)];
    assert.deepEqual(await dropoutDemo(m, 0.5, false, 1), m);
    const dropped = (await dropoutDemo(m, 0.5, true, 1))[0];
    assert.ok(dropped.every((v) => v === 0 || v === 2));
    assert.ok(dropped.some((v) => v === 0) && dropped.some((v) => v === 2));
    assert.deepEqual((await dropoutDemo(m, 0.5, true, 1))[0], dropped, "the seed replays the mask");
  });
});
