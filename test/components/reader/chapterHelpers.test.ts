import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import {DEFAULT_MODEL} from "../../../src/components/reader/readerModel.js";
import {runModel} from "../../../src/components/reader/modelData.js";
import {
  activationCurves,
  attentionStats,
  cosineSimilarity,
  dropoutDemo,
  headStats,
  nearest,
  rms,
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

  it("rms, cosineSimilarity and nearest: sizes and directions of rows", () => {
    assert.equal(
      rms([
        [3, -4],
        [0, 0]
      ]),
      Math.sqrt(25 / 4)
    );
    const sim = cosineSimilarity([
      [1, 0],
      [2, 0],
      [0, 3],
      [-1, 0],
      [0, 0]
    ]);
    assert.deepEqual(sim[0], [1, 1, 0, -1, 0], "same direction 1, orthogonal 0, opposite −1, a zero row 0");
    assert.deepEqual(
      nearest(sim, 0, 3).map((n) => n.index),
      [1, 2, 4],
      "most similar first, ties to the lower index, itself left out"
    );
  });

  it("headStats measures each head's weight on the previous token, on itself and on its favourite key", () => {
    const previous = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0]
    ];
    const uniform = [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [1 / 3, 1 / 3, 1 / 3]
    ];
    const {heads, uniformPeak, sharpest, previous: reader} = headStats([previous, uniform]);
    assert.deepEqual([sharpest.head, reader.head], [0, 0], "the previous-token head is both");
    assert.deepEqual(heads[0], {head: 0, previous: 1, self: 0, peak: 1});
    assert.equal(heads[1].previous, (0.5 + 1 / 3) / 2);
    assert.equal(heads[1].peak, uniformPeak, "a uniform head's peak is the uniform peak");
    assert.equal(uniformPeak, (1 / 2 + 1 / 3) / 2);
  });
});
