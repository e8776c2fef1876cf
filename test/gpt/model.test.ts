import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {preset} from "../../src/gpt/presets.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {LAYER_TRACE_KEYS, disposeTrace, forward, forwardTraced, type Trace} from "../../src/gpt/model.js";
import {assertClose, noLeak, randomIds, randomise, useCpu} from "../helpers/tf.js";
import {refLinear, type Mat} from "../helpers/reference.js";

before(useCpu);

const small = makeConfig({vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dFF: 16});
const presets: [string, GPTConfig][] = [
  ["toy: untied head with bias, relu, no qkv bias", preset("toy")],
  ["tiny-decoder: post-norm, no final norm, untied head with bias", preset("tiny-decoder")],
  ["addition: pre-norm, tied head", preset("addition")],
  ["tinygpt: sinusoidal positions", preset("tinygpt")]
];

/** Weights randomised past their small init, so every path carries signal. */
function params(config: GPTConfig, seed: number): Params {
  const p = initParams(config, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.3));
  return p;
}

/** Documented shape of each trace entry for (B, T). */
function expectedShapes(c: GPTConfig, B: number, T: number) {
  const [C, nh, hs] = [c.nEmbd, c.nHead, c.nEmbd / c.nHead];
  const stream = [B, T, C];
  const layer = {
    ...{ln1: stream, q: [B, nh, T, hs], k: [B, nh, T, hs], v: [B, nh, T, hs]},
    ...{scores: [B, nh, T, T], masked: [B, nh, T, T], att: [B, nh, T, T], heads: [B, nh, T, hs]},
    ...{attnOut: stream, resid1: stream, ln2: stream, mlpHidden: [B, T, c.dFF], mlpAct: [B, T, c.dFF]},
    ...{mlpOut: stream, resid2: stream, out: stream}
  };
  return {
    tokEmb: stream,
    posEmb: [T, C],
    emb: stream,
    h: Array(c.nLayer).fill(layer),
    lnF: c.finalNorm ? stream : null,
    logits: [B, T, c.vocabSize]
  };
}

const shapesOf = (trace: Trace) => ({
  tokEmb: trace.tokEmb.shape,
  posEmb: trace.posEmb.shape,
  emb: trace.emb.shape,
  h: trace.h.map((layer) => Object.fromEntries(Object.entries(layer).map(([k, t]) => [k, t.shape]))),
  lnF: trace.lnF ? trace.lnF.shape : null,
  logits: trace.logits.shape
});

describe("forward", () => {
  for (const [name, config] of presets) {
    it(`forward(params, idx) gives logits (B, T, vocabSize) and keeps no tensor (${name})`, async () => {
      const p = initParams(config, 1);
      const idx = randomIds([2, 7], config.vocabSize, 2);
      await noLeak(() => {
        const logits = forward(p, idx);
        assert.deepEqual(logits.shape, [2, 7, config.vocabSize]);
        assert.ok(logits.dataSync().every(Number.isFinite));
        logits.dispose();
      });
      idx.dispose();
      disposeParams(p);
    });
  }

  it("forward refuses T > blockSize, ids outside [0, vocabSize), and anything but an int32 (B, T) tensor", async () => {
    const p = initParams(small, 1);
    await noLeak(() => {
      const cases: [tf.Tensor, RegExp][] = [
        [randomIds([1, 9], 11, 1), /T = 9 must be in 1..blockSize \(8\)/],
        [tf.tensor2d([[0, 11]], [1, 2], "int32"), /token id 11 at \(0, 1\) is outside \[0, vocabSize = 11\)/],
        [tf.tensor2d([[0], [-1]], [2, 1], "int32"), /token id -1 at \(1, 0\)/],
        [tf.tensor2d([[0, 1]], [1, 2], "float32"), /int32 tensor of shape \(B, T\)/],
        [tf.tensor1d([0, 1], "int32"), /int32 tensor of shape \(B, T\)/]
      ];
      for (const [idx, message] of cases) {
        assert.throws(() => forward(p, idx as tf.Tensor2D), message);
        assert.throws(() => forwardTraced(p, idx as tf.Tensor2D), message);
      }
      tf.dispose(cases.map(([t]) => t));
    });
    disposeParams(p);
  });

  it("forward's logits at position t do not depend on tokens after t", async () => {
    const p = params(small, 2);
    await noLeak(() => {
      const a = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
      const b = tf.tensor2d([[1, 2, 3, 9, 0]], [1, 5], "int32");
      const [la, lb] = [forward(p, a), forward(p, b)];
      const head = (t: tf.Tensor) => tf.tidy(() => tf.slice(t, [0, 0, 0], [1, 3, small.vocabSize]).arraySync());
      assert.deepEqual(head(lb), head(la));
      assert.notDeepEqual(lb.arraySync(), la.arraySync());
      tf.dispose([a, b, la, lb]);
    });
    disposeParams(p);
  });

  it("causal = false drops the mask: weights above the diagonal become non-zero and early logits see later tokens", async () => {
    const p = params(small, 2);
    await noLeak(async () => {
      const a = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
      const b = tf.tensor2d([[1, 2, 3, 9, 0]], [1, 5], "int32");
      const {trace} = forwardTraced(p, a, {causal: false});
      const att = ((await trace.h[0].att.array()) as number[][][][])[0];
      const masked = await trace.h[0].masked.array();
      assert.deepEqual(masked, await trace.h[0].scores.array(), "masked is scores itself");
      for (const head of att) {
        assert.ok(head[0][4] > 0, "position 0 reads position 4");
        for (const row of head) assert.ok(Math.abs(row.reduce((s, w) => s + w, 0) - 1) < 1e-5, "rows still sum to 1");
      }
      const [la, lb] = [forward(p, a, {causal: false}), forward(p, b, {causal: false})];
      const first = (t: tf.Tensor) => tf.tidy(() => tf.slice(t, [0, 0, 0], [1, 1, small.vocabSize]).arraySync());
      assert.notDeepEqual(first(lb), first(la));
      tf.dispose([a, b, la, lb]);
      disposeTrace(trace);
    });
    disposeParams(p);
  });

  it("a tied head computes logits = lnF(x) @ wteᵀ; an untied one lnF(x) @ W + b", async () => {
    for (const config of [small, makeConfig({...small, tieWeights: false, headBias: true})]) {
      const p = params(config, 3);
      await noLeak(async () => {
        const idx = randomIds([1, 4], config.vocabSize, 4);
        const {logits, trace} = forwardTraced(p, idx);
        const x = ((await trace.lnF!.array()) as Mat[])[0];
        const head = p.lmHead
          ? {weight: (await p.lmHead.weight.array()) as Mat, bias: (await p.lmHead.bias!.array()) as number[]}
          : {weight: tf.tidy(() => tf.transpose(p.wte).arraySync() as Mat), bias: null};
        assertClose(((await logits.array()) as Mat[])[0], refLinear(x, head), 1e-5);
        disposeTrace(trace);
        idx.dispose();
      });
      disposeParams(p);
    }
  });
});

describe("forwardTraced", () => {
  for (const [name, config] of presets) {
    it(`forwardTraced's logits equal forward's and every documented key has its documented shape (${name})`, async () => {
      const p = params(config, 5);
      const idx = randomIds([2, 6], config.vocabSize, 6);
      await noLeak(async () => {
        const plain = forward(p, idx);
        const {logits, trace} = forwardTraced(p, idx);
        assert.equal(logits, trace.logits);
        assert.deepEqual(await logits.array(), await plain.array());
        assert.deepEqual(shapesOf(trace), expectedShapes(config, 2, 6));
        trace.h.forEach((layer) => assert.deepEqual(Object.keys(layer), LAYER_TRACE_KEYS));
        plain.dispose();
        disposeTrace(trace);
      });
      idx.dispose();
      disposeParams(p);
    });
  }

  it("forwardTraced's entries chain: emb = tokEmb + posEmb, resid1 = x + attnOut, one block's out is the next's input", async () => {
    const p = params(small, 7);
    const idx = randomIds([2, 5], small.vocabSize, 8);
    await noLeak(async () => {
      const {trace} = forwardTraced(p, idx);
      const read = (t: tf.Tensor) => t.arraySync() as number[][][];
      const sum = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => read(tf.add(a, b)));
      assertClose(read(trace.emb), sum(trace.tokEmb, trace.posEmb), 1e-6);
      assertClose(read(trace.h[0].resid1), sum(trace.emb, trace.h[0].attnOut), 1e-6);
      assertClose(read(trace.h[1].resid1), sum(trace.h[0].out, trace.h[1].attnOut), 1e-6);
      assertClose(read(trace.h[1].resid2), sum(trace.h[1].resid1, trace.h[1].mlpOut), 1e-6);
      const att = trace.h[1].att.arraySync() as number[][][][];
      att.flat(2).forEach((row, i) => assert.ok(row.slice((i % 5) + 1).every((w) => w === 0)));
      disposeTrace(trace);
    });
    idx.dispose();
    disposeParams(p);
  });
  it("forwardTraced frees what it kept when the pass fails midway", async () => {
    const p = params(small, 13);
    const broken = {
      ...p,
      h: [p.h[0], {...p.h[1], mlp: {...p.h[1].mlp, cProj: {weight: tf.variable(tf.ones([5, 8])), bias: null}}}]
    };
    const idx = randomIds([1, 4], small.vocabSize, 14);
    await noLeak(() => assert.throws(() => forwardTraced(broken, idx)));
    tf.dispose([idx, broken.h[1].mlp.cProj.weight]);
    disposeParams(p);
  });
});

describe("dropout in forward", () => {
  const config = makeConfig({...small, dropout: 0.3});
  const noDropout = makeConfig({...small, dropout: 0});

  it("training = false gives the same logits every call, identical to the same weights without dropout", async () => {
    const [p, q] = [params(config, 9), params(noDropout, 9)];
    const idx = randomIds([2, 6], small.vocabSize, 10);
    await noLeak(async () => {
      const outs = [forward(p, idx), forward(p, idx, {training: false}), forward(q, idx, {training: true})];
      const [a, b, c] = await Promise.all(outs.map((t) => t.array()));
      assert.deepEqual(b, a);
      assert.deepEqual(c, a);
      tf.dispose(outs);
    });
    idx.dispose();
    disposeParams(p);
    disposeParams(q);
  });

  it("training = true changes the logits; the same seed replays them, in forward and forwardTraced alike", async () => {
    const p = params(config, 11);
    const idx = randomIds([2, 6], small.vocabSize, 12);
    await noLeak(async () => {
      const evalOut = forward(p, idx);
      const s1 = forward(p, idx, {training: true, seed: 1});
      const s1again = forward(p, idx, {training: true, seed: 1});
      const s2 = forward(p, idx, {training: true, seed: 2});
      const {trace} = forwardTraced(p, idx, {training: true, seed: 1});
      const [e, a, b, c, t] = await Promise.all([evalOut, s1, s1again, s2, trace.logits].map((x) => x.array()));
      assert.notDeepEqual(a, e);
      assert.deepEqual(b, a);
      assert.notDeepEqual(c, a);
      assert.deepEqual(t, a);
      tf.dispose([evalOut, s1, s1again, s2]);
      disposeTrace(trace);
    });
    idx.dispose();
    disposeParams(p);
  });
});
