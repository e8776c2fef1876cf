import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams} from "../../src/gpt/params.js";
import {disposeTrace, forwardTraced} from "../../src/gpt/model.js";
import {
  readAll,
  readAtOnce,
  readTensors,
  readTrace,
  toArray,
  toFlat,
  toMatrix,
  toNumber
} from "../../src/gpt/readback.js";
import {noLeak, randomIds, useCpu} from "../helpers/tf.js";

before(useCpu);

describe("readback", () => {
  it("toFlat gives a float32 tensor's values in row-major order and refuses other dtypes", async () => {
    await noLeak(async () => {
      const [m, ids] = [
        tf.tensor2d([
          [1, 2],
          [3, 4]
        ]),
        tf.tensor1d([1, 2], "int32")
      ];
      const values = await toFlat(m);
      assert.ok(values instanceof Float32Array);
      assert.deepEqual([...values], [1, 2, 3, 4]);
      await assert.rejects(toFlat(ids), /float32/);
      tf.dispose([m, ids]);
    });
  });

  it("toArray gives nested arrays of the tensor's rank and leaves the tensor alive", async () => {
    await noLeak(async () => {
      const [s, v, m] = [
        tf.scalar(2),
        tf.tensor1d([1, 2]),
        tf.tensor2d([
          [1, 2],
          [3, 4]
        ])
      ];
      const two: number = await toArray(s);
      const row: number[] = await toArray(v);
      const rows: number[][] = await toArray(m);
      assert.deepEqual(
        [two, row, rows],
        [
          2,
          [1, 2],
          [
            [1, 2],
            [3, 4]
          ]
        ]
      );
      assert.ok(!s.isDisposed && !v.isDisposed && !m.isDisposed);
      tf.dispose([s, v, m]);
    });
  });

  it("toMatrix reads a 2-D tensor and refuses any other rank; toNumber reads a one-element tensor", async () => {
    await noLeak(async () => {
      const [m, cube, loss] = [tf.tensor2d([[5, 6]]), tf.zeros([1, 1, 2]), tf.scalar(0.25)];
      assert.deepEqual(await toMatrix(m), [[5, 6]]);
      await assert.rejects(toMatrix(cube), /toMatrix needs a 2-D tensor, got shape \[1,1,2\]/);
      assert.equal(await toNumber(loss), 0.25);
      await assert.rejects(toNumber(m), /one-element tensor/);
      tf.dispose([m, cube, loss]);
    });
  });

  it("readTensors keeps the container's structure, passing null and plain values through", async () => {
    await noLeak(async () => {
      const a = tf.tensor1d([1]);
      const out = await readTensors({a, list: [a, null], n: 3, nested: {b: a}});
      assert.deepEqual(out, {a: [1], list: [[1], null], n: 3, nested: {b: [1]}});
      a.dispose();
    });
  });

  it("readTrace gives the trace as plain arrays with the same keys, and disposes nothing", async () => {
    const config = makeConfig({vocabSize: 6, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 4, finalNorm: false});
    const p = initParams(config, 1);
    const idx = randomIds([1, 3], 6, 2);
    await noLeak(async () => {
      const {trace} = forwardTraced(p, idx);
      const arrays = await readTrace(trace);
      const att: number[][] = arrays.h[1].att[0][1]; // batch 0, head 1: (T, T)
      assert.equal(att.length, 3);
      assert.deepEqual(Object.keys(arrays), Object.keys(trace));
      assert.deepEqual(Object.keys(arrays.h[0]), Object.keys(trace.h[0]));
      assert.equal(arrays.lnF, null);
      assert.deepEqual(arrays.logits, await trace.logits.array());
      assert.ok(!trace.logits.isDisposed && !trace.h[0].q.isDisposed);
      disposeTrace(trace);
    });
    idx.dispose();
    disposeParams(p);
  });
  it("readAll and readAtOnce read many tensors in one transfer: readAtOnce gives what readTensors gives", async () => {
    const config = makeConfig({vocabSize: 6, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 4});
    const p = initParams(config, 1);
    const idx = randomIds([2, 3], 6, 2);
    await noLeak(async () => {
      const {trace} = forwardTraced(p, idx);
      const extra = {s: tf.scalar(2), v: [tf.tensor1d([1, 2])], none: null, n: 3};
      const container = {trace, extra};
      assert.deepEqual(await readAtOnce(container), await readTensors(container));
      const [a, b] = await readAll([extra.s, trace.h[0].att]);
      assert.deepEqual([...a], [2]);
      assert.deepEqual([...b], [...(await trace.h[0].att.data())]);
      disposeTrace(trace);
      tf.dispose([extra.s, ...extra.v]);
    });
    idx.dispose();
    disposeParams(p);
  });
});
