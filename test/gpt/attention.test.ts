import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {disposeParams, initParams, type Params} from "../../src/gpt/params.js";
import {MASKED, causalMask, causalSelfAttention} from "../../src/gpt/attention.js";
import {readTensors} from "../../src/gpt/readback.js";
import {namedParams} from "../../src/gpt/params.js";
import {assertClose, flat, noLeak, randomTensor, randomise, useCpu} from "../helpers/tf.js";
import {refAttention, type RefBlock} from "../helpers/reference.js";
import {assertGradients, project} from "../helpers/gradcheck.js";

before(useCpu);

const config = makeConfig({vocabSize: 5, blockSize: 8, nLayer: 1, nHead: 3, nEmbd: 12});

/** One block's weights, randomised so that attention is far from uniform. */
function params(seed: number): Params {
  const p = initParams(config, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.4));
  return p;
}

/** Runs attention, recording its intermediates; returns output and the recorded tensors (caller disposes). */
function run(x: tf.Tensor3D, p: Params) {
  const recorded: Record<string, tf.Tensor> = {};
  const y = tf.tidy(() =>
    causalSelfAttention(x, p.h[0].attn, config, {drop: (t) => t, record: (name, t) => (recorded[name] = tf.keep(t))})
  );
  return {y, recorded};
}

describe("causalMask", () => {
  it("causalMask(T) is 0 on and below the diagonal and MASKED above it", async () => {
    await noLeak(() => {
      const m = causalMask(3);
      assert.deepEqual(m.arraySync(), [
        [0, MASKED, MASKED],
        [0, 0, MASKED],
        [0, 0, 0]
      ]);
      m.dispose();
    });
  });
});

describe("causalSelfAttention", () => {
  it("causalSelfAttention(x) matches a per-head, per-position float64 loop within 1e-5", async () => {
    const p = params(1);
    const ref = await readTensors(p.h[0].attn);
    await noLeak(async () => {
      const x = randomTensor([2, 5, 12], 2) as tf.Tensor3D;
      const {y, recorded} = run(x, p);
      assert.deepEqual(y.shape, [2, 5, 12]);
      const xs = (await x.array()) as number[][][];
      const att = (await recorded.att.array()) as number[][][][];
      const ys = (await y.array()) as number[][][];
      xs.forEach((seq, b) => {
        const expected = refAttention(seq, ref as RefBlock["attn"], config.nHead);
        assertClose(ys[b], expected.y, 1e-5, `y[${b}]`);
        assertClose(att[b], expected.att, 1e-5, `att[${b}]`);
      });
      tf.dispose([x, y, ...Object.values(recorded)]);
    });
    disposeParams(p);
  });

  it("causalSelfAttention's weights are exactly 0 above the diagonal and each row sums to 1", async () => {
    const p = params(3);
    await noLeak(async () => {
      const x = randomTensor([2, 6, 12], 4, 3) as tf.Tensor3D;
      const {y, recorded} = run(x, p);
      const att = (await recorded.att.array()) as number[][][][];
      for (const row of att.flat(2).map((r, i) => ({r, t: i % 6}))) {
        assert.ok(
          row.r.slice(row.t + 1).every((w) => w === 0),
          "future weight is not exactly 0"
        );
        assert.ok(Math.abs(row.r.reduce((a, b) => a + b, 0) - 1) < 1e-6, "row does not sum to 1");
      }
      tf.dispose([x, y, ...Object.values(recorded)]);
    });
    disposeParams(p);
  });

  it("causalSelfAttention records q, k, v, heads (B, nh, T, hs), scores, masked, att (B, nh, T, T), attnOut (B, T, C)", async () => {
    const p = params(5);
    await noLeak(async () => {
      const x = randomTensor([2, 4, 12], 6) as tf.Tensor3D;
      const {y, recorded} = run(x, p);
      const shapes = Object.fromEntries(Object.entries(recorded).map(([k, t]) => [k, t.shape]));
      assert.deepEqual(shapes, {
        ...{q: [2, 3, 4, 4], k: [2, 3, 4, 4], v: [2, 3, 4, 4], heads: [2, 3, 4, 4]},
        ...{scores: [2, 3, 4, 4], masked: [2, 3, 4, 4], att: [2, 3, 4, 4], attnOut: [2, 4, 12]}
      });
      assert.deepEqual(await recorded.attnOut.array(), await y.array());
      // masked = scores where allowed, MASKED (to float32 precision) where not; T = 4, so index i is (.., .., i / 4 % 4, i % 4)
      const scores = flat((await recorded.scores.array()) as number[][][][]);
      flat((await recorded.masked.array()) as number[][][][]).forEach((m, i) => {
        const [t, j] = [Math.floor(i / 4) % 4, i % 4];
        assert.ok(j <= t ? m === scores[i] : Math.abs(m - MASKED) < 100, `masked[${i}] = ${m}`);
      });
      tf.dispose([x, y, ...Object.values(recorded)]);
    });
    disposeParams(p);
  });

  it("causalSelfAttention's output at position t does not depend on positions after t", async () => {
    const p = params(7);
    await noLeak(async () => {
      const x1 = randomTensor([1, 5, 12], 8) as tf.Tensor3D;
      const x2 = tf.tidy(() =>
        tf.concat([tf.slice(x1, [0, 0, 0], [1, 3, 12]), randomTensor([1, 2, 12], 9)], 1)
      ) as tf.Tensor3D;
      const a = run(x1, p);
      const b = run(x2, p);
      const first3 = (t: tf.Tensor) => tf.tidy(() => tf.slice(t, [0, 0, 0], [1, 3, 12]).arraySync() as number[][][]);
      assert.deepEqual(first3(b.y), first3(a.y));
      assert.notDeepEqual(b.y.arraySync(), a.y.arraySync());
      tf.dispose([x1, x2, a.y, b.y, ...Object.values(a.recorded), ...Object.values(b.recorded)]);
    });
    disposeParams(p);
  });

  it("causalSelfAttention's gradients with respect to x, c_attn and c_proj match finite differences", async () => {
    const p = params(11);
    const {cAttn, cProj} = p.h[0].attn;
    const x = tf.variable(randomTensor([2, 4, 12], 12));
    await noLeak(() =>
      assertGradients(
        () => project(causalSelfAttention(x as unknown as tf.Tensor3D, p.h[0].attn, config)),
        [x, cAttn.weight, cAttn.bias!, cProj.weight, cProj.bias!]
      )
    );
    x.dispose();
    disposeParams(p);
  });
});
