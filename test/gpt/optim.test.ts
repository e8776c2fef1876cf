import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig} from "../../src/gpt/config.js";
import {CheckpointError, loadCheckpoint, saveCheckpoint} from "../../src/gpt/checkpoint.js";
import {loadOptimizer, optimizerExtra, optimizerRecord} from "../../src/gpt/checkpointOptim.js";
import {AdamW, clipScale, decays, globalNorm, type AdamWSettings} from "../../src/gpt/optim.js";
import {disposeParams, initParams, namedParams} from "../../src/gpt/params.js";
import {FACTORS, updateWeight} from "../../src/gpt/adamwKernel.js";
import {useSimdKernels} from "../../src/gpt/simd.js";
import {assertClose, noLeak, onWasmAndCpu, randn, randomTensor, readAll, useCpu} from "../helpers/tf.js";

before(useCpu);

// 1 layer, width 2: every kind of weight (embeddings, LayerNorm gains and biases, Linear weights and biases).
const config = makeConfig({vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 2});

/** Every element of every weight of a fresh model set to value. */
function filledModel(value: number) {
  const params = initParams(config, 1);
  for (const {variable} of namedParams(params)) tf.tidy(() => variable.assign(tf.fill(variable.shape, value)));
  return params;
}

const filled = (shape: number[], value: number) => tf.fill(shape, value);

/** PyTorch's AdamW defaults, at learning rate lr. */
const torch = (lr: number, changes: Partial<AdamWSettings> = {}): AdamWSettings => ({
  ...{lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01},
  ...changes
});

// On wasm each weight's update is one kernel (adamwKernel.ts: its loop in SIMD, or in JavaScript without the SIMD
// kernels); elsewhere TF.js ops: each must pass every test.
for (const [backend, simd] of [
  ["cpu", false],
  ["wasm", true],
  ["wasm", false]
] as const)
  describe(`AdamW on ${backend}${backend === "wasm" ? (simd ? " (SIMD kernels)" : " (no SIMD kernels)") : ""}`, () => {
    before(async () => {
      await tf.setBackend(backend);
      useSimdKernels(simd);
    });
    after(async () => {
      useSimdKernels(true);
      await useCpu();
    });

    it("two AdamW steps match a hand computation, with weight decay on 2-D weights only", async () => {
      await noLeak(async () => {
        const params = filledModel(0.5);
        const optimizer = new AdamW(params);
        const named = optimizer.params;
        // Step 1: g = 0.2 → m = 0.02, v = 4e-5, m̂ = 0.2, √v̂ = 0.2; decayed p = 0.5 − 0.1·(0.2/(0.2 + 1e-8) + 0.01·0.5).
        // Step 2: g = −0.1 → m = 0.008, v = 4.996e-5, m̂ = 0.008/0.19, v̂ = 4.996e-5/0.001999.
        const expected = {decayed: [0.399500005, 0.3724668027], plain: [0.400000005, 0.3733663027]};
        for (const [t, g] of [0.2, -0.1].entries()) {
          const grads = named.map(({variable}) => filled(variable.shape, g));
          assert.equal(optimizer.apply(grads, torch(0.1)), null);
          tf.dispose(grads);
          assert.equal(optimizer.step, t + 1);
          for (const {name, variable} of named) {
            const want = decays(name, variable.rank, true) ? expected.decayed[t] : expected.plain[t];
            assertClose(
              Array.from(await variable.data()),
              new Array(variable.size).fill(want),
              1e-6,
              `${name} step ${t + 1}`
            );
          }
        }
        assertClose(Array.from(await optimizer.m[0].data()), new Array(optimizer.m[0].size).fill(0.008), 1e-9, "m");
        assertClose(Array.from(await optimizer.v[0].data()), new Array(optimizer.v[0].size).fill(4.996e-5), 1e-10, "v");
        optimizer.dispose();
        disposeParams(params);
      });
    });

    it("weight decay skips biases and LayerNorm gains, and embeddings when decayEmbeddings is false", () => {
      const params = initParams(config, 1);
      const names = (optimizer: AdamW) => optimizer.params.filter((_, i) => optimizer.decay[i]).map((p) => p.name);
      const linear = ["transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight"];
      const mlp = ["transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight"];
      const withEmbeddings = new AdamW(params);
      assert.deepEqual(names(withEmbeddings), ["transformer.wte.weight", "transformer.wpe.weight", ...linear, ...mlp]);
      const without = new AdamW(params, {decayEmbeddings: false});
      assert.deepEqual(names(without), [...linear, ...mlp]);
      withEmbeddings.dispose();
      without.dispose();
      disposeParams(params);
    });

    it("apply with keep returns the change made to every weight", async () => {
      await noLeak(async () => {
        const params = initParams(config, 2);
        const optimizer = new AdamW(params);
        const before = await Promise.all(optimizer.params.map(({variable}) => variable.data()));
        const grads = optimizer.params.map(({variable}, i) => randomTensor(variable.shape, i + 10));
        const changes = optimizer.apply(grads, torch(1e-2), {keep: true})!;
        for (const [i, {variable}] of optimizer.params.entries()) {
          const after = Array.from(await variable.data());
          const change = Array.from(await changes[i].data());
          assertClose(
            after,
            Array.from(before[i]).map((p, j) => p + change[j]),
            1e-6,
            optimizer.params[i].name
          );
        }
        tf.dispose([...grads, ...changes]);
        optimizer.dispose();
        disposeParams(params);
      });
    });

    it("apply changes nothing when the gate ok is false, even with NaN gradients, but counts the step", async () => {
      await noLeak(async () => {
        const params = filledModel(0.5);
        const optimizer = new AdamW(params);
        const grads = optimizer.params.map(({variable}, i) => filled(variable.shape, i % 2 ? NaN : 0.2));
        const ok = tf.scalar(false, "bool");
        optimizer.apply(grads, torch(0.1), {ok});
        assert.equal(optimizer.step, 1);
        for (const {variable} of optimizer.params) assert.ok((await variable.data()).every((x) => x === 0.5));
        assert.ok((await optimizer.m[0].data()).every((x) => x === 0));
        tf.dispose([...grads, ok]);
        optimizer.dispose();
        disposeParams(params);
      });
    });

    it("the settings may change from one update to the next: each update uses its own", async () => {
      await noLeak(async () => {
        const [a, b] = [filledModel(0.5), filledModel(0.5)];
        const [oa, ob] = [new AdamW(a), new AdamW(b)];
        const step = (o: AdamW, s: AdamWSettings) => {
          const grads = o.params.map(({variable}) => filled(variable.shape, 0.2));
          o.apply(grads, s);
          tf.dispose(grads);
        };
        step(oa, torch(0.1));
        step(ob, torch(0.1));
        step(oa, torch(0.05, {beta2: 0.99, weightDecay: 0}));
        step(ob, torch(0.1));
        // Step 2 of a: g = 0.2 again, m̂ = 0.2; v was 0.001·0.04 and now takes β2 = 0.99; lr 0.05 and no decay.
        const p1 = 0.5 - 0.1 * (0.2 / (0.2 + 1e-8) + 0.01 * 0.5);
        const vHat = (0.99 * (0.001 * 0.04) + 0.01 * 0.04) / (1 - 0.99 ** 2);
        const wte = oa.params[0].variable;
        const want = p1 - 0.05 * (0.2 / (Math.sqrt(vHat) + 1e-8));
        assertClose(Array.from(await wte.data()), new Array(wte.size).fill(want), 1e-6, "a");
        const other = Array.from(await ob.params[0].variable.data());
        assert.notDeepEqual(Array.from(await wte.data()), other);
        [oa, ob].forEach((o) => o.dispose());
        [a, b].forEach(disposeParams);
      });
    });

    it("an invalid setting is refused with its name, before anything changes", async () => {
      await noLeak(async () => {
        const params = filledModel(0.5);
        const optimizer = new AdamW(params);
        const grads = optimizer.params.map(({variable}) => filled(variable.shape, 0.2));
        const cases: [Partial<AdamWSettings>, RegExp][] = [
          [{beta1: 1}, /beta1 \(1\) must be in \[0, 1\)/],
          [{beta2: -0.1}, /beta2 \(-0.1\)/],
          [{eps: 0}, /eps \(0\)/],
          [{weightDecay: -1}, /weightDecay \(-1\)/],
          [{lr: NaN}, /lr \(NaN\)/]
        ];
        for (const [bad, message] of cases) assert.throws(() => optimizer.apply(grads, torch(0.1, bad)), message);
        assert.equal(optimizer.step, 0);
        assert.ok((await optimizer.params[0].variable.data()).every((x) => x === 0.5));
        tf.dispose(grads);
        optimizer.dispose();
        disposeParams(params);
      });
    });

    it("frozen weights get no moments, no update and no decay; the others train as before", async () => {
      await noLeak(async () => {
        const params = filledModel(0.5);
        const frozen = ["transformer.wte.weight", "transformer.h.0.attn.c_attn.weight"];
        const optimizer = new AdamW(params, {frozen});
        const names = optimizer.params.map((p) => p.name);
        assert.equal(names.length, namedParams(params).length - 2);
        assert.ok(frozen.every((name) => !names.includes(name)));
        assert.equal(optimizer.m.length, names.length);
        const grads = optimizer.params.map(({variable}) => filled(variable.shape, 0.2));
        optimizer.apply(grads, torch(0.1));
        for (const {name, variable} of namedParams(params)) {
          const values = await variable.data();
          if (frozen.includes(name))
            assert.ok(
              values.every((x) => x === 0.5),
              `${name} moved`
            );
          else
            assert.ok(
              values.every((x) => x !== 0.5),
              `${name} did not move`
            );
        }
        assert.throws(
          () => new AdamW(params, {frozen: ["transformer.nope"]}),
          /frozen: no weight is named transformer.nope/
        );
        tf.dispose(grads);
        optimizer.dispose();
        disposeParams(params);
      });
    });

    it("snapshot and restore give back the step and the moments; rewind sets the step back only", async () => {
      await noLeak(async () => {
        const params = initParams(config, 4);
        const optimizer = new AdamW(params);
        const grads = optimizer.params.map(({variable}, i) => randomTensor(variable.shape, i + 30));
        optimizer.apply(grads, torch(1e-3));
        const saved = await optimizer.snapshot();
        optimizer.apply(grads, torch(1e-3));
        assert.equal(optimizer.step, 2);
        assert.notDeepEqual(await optimizer.m[0].data(), saved.m[0]);
        optimizer.restore(saved);
        assert.equal(optimizer.step, 1);
        for (let i = 0; i < saved.m.length; i++) {
          assert.deepEqual(await optimizer.m[i].data(), saved.m[i]);
          assert.deepEqual(await optimizer.v[i].data(), saved.v[i]);
        }
        const m0 = await optimizer.m[0].data();
        optimizer.apply(grads, torch(1e-3));
        optimizer.rewind(1);
        assert.equal(optimizer.step, 1);
        assert.notDeepEqual(await optimizer.m[0].data(), m0); // the moments are left as they are
        assert.deepEqual(optimizer.biasCorrections({beta1: 0.9, beta2: 0.999}), {
          bc1: 1 - 0.9 ** 2,
          bc2: 1 - 0.999 ** 2
        });
        assert.throws(() => optimizer.rewind(2), /rewind: step \(2\) must be an integer in \[0, 1\]/);
        assert.throws(() => optimizer.restore({...saved, m: saved.m.slice(1)}), /moments for/);
        assert.throws(() => optimizer.restore({...saved, step: -1}), /step/);
        tf.dispose(grads);
        optimizer.dispose();
        disposeParams(params);
      });
    });
  });

describe("AdamW's kernel on wasm", () => {
  after(async () => {
    useSimdKernels(true);
    await useCpu();
  });

  it("its SIMD loop gives the very floats of its JavaScript loop, an odd last value and a stopped update included", async () => {
    await tf.setBackend("wasm");
    const run = async (simd: boolean, ok: number, decays: boolean) => {
      useSimdKernels(simd);
      return noLeak(async () => {
        const [p, m, g] = [randomTensor([7, 9], 1), randomTensor([7, 9], 2, 0.1), randomTensor([7, 9], 3)];
        const v = tf.tidy(() => tf.abs(randomTensor([7, 9], 4, 0.01)));
        const values = {b1: 0.9, c1: 0.1, b2: 0.95, c2: 0.05, step: -0.0123, decay: 0.999, eps: 3e-8, ok};
        const factors = tf.tensor1d(FACTORS.map((name) => values[name]));
        const out = updateWeight(p, m, v, g, factors, decays);
        const read = await readAll(out);
        tf.dispose([p, m, v, g, factors, ...out]);
        return read;
      });
    };
    for (const [ok, decays] of [
      [1, true],
      [1, false],
      [0, true]
    ] as const) {
      const [simd, js] = [await run(true, ok, decays), await run(false, ok, decays)];
      for (const [i, name] of ["p'", "m'", "v'"].entries())
        assert.deepEqual(simd[i], js[i], `${name} (ok ${ok}, decays ${decays})`);
    }
  });
});

describe("clipping by global norm", () => {
  it("globalNorm is the norm of all tensors taken together", async () => {
    await noLeak(async () => {
      const tensors = [tf.tensor1d([3]), tf.tensor2d([[4, 0]]), tf.tensor1d([12])]; // √(9 + 16 + 144) = 13
      const norm = globalNorm(tensors);
      assert.ok(Math.abs((await norm.data())[0] - 13) < 1e-6);
      tf.dispose([...tensors, norm]);
    });
  });

  it("globalNorm adds 54 tensors (more than WebGPU's 8 storage buffers) correctly", async () => {
    await noLeak(async () => {
      const tensors = Array.from({length: 54}, () => tf.ones([2, 2])); // each ‖·‖² = 4
      const norm = globalNorm(tensors);
      assert.ok(Math.abs((await norm.data())[0] - Math.sqrt(54 * 4)) < 1e-5);
      tf.dispose([...tensors, norm]);
    });
  });

  for (const simd of [true, false])
    it(`globalNorm on wasm ${simd ? "with its SIMD kernels (one kernel)" : "without its SIMD kernels"} is a float64 norm of the gradients, odd sizes included`, async () => {
      await tf.setBackend("wasm");
      useSimdKernels(simd);
      try {
        await noLeak(async () => {
          const shapes = [[65, 128], [128], [3, 4, 8], [7]]; // [7]: not whole lanes of 4, so all go by TF.js ops
          for (const some of [shapes.slice(0, 3), shapes]) {
            const values = some.map((shape, i) =>
              randn(
                70 + i,
                shape.reduce((a, b) => a * b, 1)
              )
            );
            const tensors = some.map((shape, i) => tf.tensor(values[i], shape));
            const {kernelNames, result} = await tf.profile(() => globalNorm(tensors));
            const expected = Math.sqrt(values.flat().reduce((sum, x) => sum + x * x, 0));
            assert.ok(Math.abs((await (result as tf.Tensor).data())[0] - expected) < 1e-5 * expected);
            const one = simd && some.length === 3;
            assert.equal(kernelNames.includes("TinyGPTNorm"), one, `${some.length} tensors: ${kernelNames}`);
            tf.dispose([...tensors, result as tf.Tensor]);
          }
        });
      } finally {
        useSimdKernels(true);
        await useCpu();
      }
    });

  it("clipScale brings a norm above the limit down to it and leaves a smaller one", async () => {
    await noLeak(async () => {
      const [big, small] = [tf.scalar(26), tf.scalar(0.5)];
      const [down, same] = [clipScale(big, 13), clipScale(small, 13)];
      assert.ok(Math.abs((await down.data())[0] - 13 / (26 + 1e-6)) < 1e-7); // PyTorch: max_norm / (norm + 1e-6)
      assert.equal((await same.data())[0], 1);
      tf.dispose([big, small, down, same]);
    });
  });
});

describe("optimizer state in checkpoints", () => {
  it("optimizerExtra and loadOptimizer round-trip the step, settings, groups and moments exactly", async () => {
    await noLeak(async () => {
      const params = initParams(config, 3);
      const optimizer = new AdamW(params, {decayEmbeddings: false});
      const grads = optimizer.params.map(({variable}, i) => randomTensor(variable.shape, i + 20));
      const settings = torch(1e-3, {beta2: 0.99, weightDecay: 0.1});
      optimizer.apply(grads, settings);
      optimizer.apply(grads, settings);
      const record = optimizerRecord(optimizer, settings);
      assert.deepEqual(record, {beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decayEmbeddings: false});
      const bytes = saveCheckpoint(params, null, optimizerExtra(optimizer, record));
      const loaded = loadCheckpoint(bytes);
      const {optimizer: restored, record: read} = loadOptimizer(loaded)!;
      assert.equal(restored.step, 2);
      assert.deepEqual(read, record);
      assert.equal(restored.decayEmbeddings, false);
      for (let i = 0; i < optimizer.m.length; i++) {
        assert.deepEqual(await restored.m[i].data(), await optimizer.m[i].data());
        assert.deepEqual(await restored.v[i].data(), await optimizer.v[i].data());
      }
      const names = loaded.extra.tensors.map((t) => t.name);
      assert.ok(names.includes("optimizer.transformer.h.0.attn.c_attn.weight.exp_avg_sq"));
      const cAttn = loaded.extra.tensors.find(
        (t) => t.name === "optimizer.transformer.h.0.attn.c_attn.weight.exp_avg"
      )!;
      assert.deepEqual(cAttn.shape, [6, 2]); // PyTorch layout (out, in), like the weight itself
      tf.dispose(grads);
      [optimizer, restored].forEach((o) => o.dispose());
      [params, loaded.params].forEach(disposeParams);
    });
  });

  it("loadOptimizer returns null for a checkpoint without optimizer state", () => {
    const params = initParams(config, 3);
    const loaded = loadCheckpoint(saveCheckpoint(params, null));
    assert.equal(loadOptimizer(loaded), null);
    [params, loaded.params].forEach(disposeParams);
  });

  it("a frozen weight's moments are neither written nor expected", () => {
    const params = initParams(config, 3);
    const frozen = ["transformer.wte.weight"];
    const optimizer = new AdamW(params, {frozen});
    const extra = optimizerExtra(optimizer, optimizerRecord(optimizer, torch(1e-3), frozen));
    assert.ok(!extra.tensors.some((t) => t.name.includes("wte")));
    const loaded = loadCheckpoint(saveCheckpoint(params, null, extra));
    const {optimizer: restored, record} = loadOptimizer(loaded)!;
    assert.deepEqual(record.frozen, frozen);
    assert.deepEqual(
      restored.params.map((p) => p.name),
      optimizer.params.map((p) => p.name)
    );
    [optimizer, restored].forEach((o) => o.dispose());
    [params, loaded.params].forEach(disposeParams);
  });

  it("loadOptimizer rejects a missing moment, a bad step, an unknown option and an invalid setting", () => {
    const params = initParams(config, 3);
    const optimizer = new AdamW(params);
    const extra = optimizerExtra(optimizer, optimizerRecord(optimizer, torch(1e-3)));
    const cases: [typeof extra, RegExp][] = [
      [{...extra, tensors: extra.tensors.slice(1)}, /missing tensor optimizer\.transformer\.wte\.weight\.exp_avg/],
      [{...extra, metadata: {optimizer: JSON.stringify({type: "adamw", step: -1})}}, /step/],
      [{...extra, metadata: {optimizer: JSON.stringify({type: "adamw", step: 1, momentum: 0.9})}}, /momentum/],
      [{...extra, metadata: {optimizer: JSON.stringify({type: "adamw", step: 1, beta2: 1})}}, /invalid: beta2 \(1\)/],
      [{tensors: extra.tensors, metadata: {}}, /no optimizer/]
    ];
    for (const [bad, message] of cases) {
      const loaded = loadCheckpoint(saveCheckpoint(params, null, bad));
      assert.throws(
        () => loadOptimizer(loaded),
        (e: Error) => e instanceof CheckpointError && message.test(e.message)
      );
      disposeParams(loaded.params);
    }
    optimizer.dispose();
    disposeParams(params);
  });
});

describe("AdamW's one-kernel update on wasm", () => {
  after(useCpu);

  it("three updates with random gradients, a clipping scale and weight decay equal the TF.js ops' on cpu", async () => {
    const {wasm, cpu} = await onWasmAndCpu(async () => {
      const params = initParams(config, 3);
      const optimizer = new AdamW(params);
      const scale = tf.scalar(0.7);
      for (let t = 0; t < 3; t++) {
        const grads = optimizer.params.map(({variable}, i) => randomTensor(variable.shape, 100 * t + i, 0.3));
        optimizer.apply(grads, torch(0.05, {weightDecay: 0.1}), {scale});
        tf.dispose(grads);
      }
      const out = {
        p: await readAll(optimizer.params.map(({variable}) => variable)),
        m: await readAll(optimizer.m),
        v: await readAll(optimizer.v)
      };
      scale.dispose();
      optimizer.dispose();
      disposeParams(params);
      return out;
    });
    for (const key of ["p", "m", "v"] as const)
      wasm[key].forEach((values, i) => assertClose(values, cpu[key][i], 1e-6, `${key} of weight ${i}`));
  });
});
