import {before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {charCorpus} from "../../src/gpt/data/corpus.js";
import {Finetune, fitText, modelText, sequenceBatch} from "../../src/gpt/finetune.js";
import {linear} from "../../src/gpt/layers.js";
import {attachLora, adapterWeights, checkLoraConfig, deltaWeight, detachLora, loraCount} from "../../src/gpt/lora.js";
import {
  LoraError,
  mergeAdapter,
  parseTargets,
  setAdapterOn,
  unmergeAdapter,
  type LoraConfig
} from "../../src/gpt/lora.js";
import {forward, forwardCached, forwardTraced, disposeTrace} from "../../src/gpt/model.js";
import {disposeParams, initParams, namedParams, type Params} from "../../src/gpt/params.js";
import {recipe} from "../../src/gpt/recipes.js";
import {batchLoss} from "../../src/gpt/step.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";
import {assertGradients} from "../helpers/gradcheck.js";
import {refLinear, type Mat} from "../helpers/reference.js";
import {assertClose, noLeak, randomIds, randomise, randomTensor, useCpu} from "../helpers/tf.js";

before(useCpu);

const data = charCorpus(TOY_SENTENCES, {blockSize: 8, seed: 1});
const V = data.tokenizer.vocabSize;
const small = makeConfig({vocabSize: V, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dFF: 16});
const noBias = makeConfig({...small, qkvBias: false, projBias: false, mlpBias: false, lnBias: false});
const ALL: LoraConfig = {r: 2, alpha: 4, dropout: 0, targets: parseTargets(["c_attn", "c_proj", "c_fc"]), layers: null};

/** A model whose weights are randomised past their small init, so every path carries signal. */
function model(config: GPTConfig = small, seed = 1): Params {
  const p = initParams(config, seed);
  namedParams(p).forEach(({variable}, i) => randomise(variable, seed * 100 + i, 0.3));
  return p;
}

/** Every B of the adapter made non-zero, so the adapted model differs from the base. */
const perturb = (weights: ReturnType<typeof adapterWeights>) =>
  weights.forEach(({name, variable}, i) => name.includes("lora_B") && randomise(variable, 50 + i, 0.3));

/** The logits of forward(params, idx, opts), read back (the tensor is freed). */
function logitsOf(params: Params, idx: tf.Tensor2D, opts: Parameters<typeof forward>[2] = {}): number[][][] {
  const logits = forward(params, idx, opts);
  const values = logits.arraySync();
  logits.dispose();
  return values;
}
const bits = (params: Params) =>
  namedParams(params).map(({variable}) => Array.from(new Uint32Array(variable.dataSync().buffer)));
const relDiff = (a: number[][][], b: number[][][]) => {
  const [x, y] = [a.flat(2), b.flat(2)];
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]))) / Math.max(...y.map(Math.abs));
};

describe("LoRA targets and config", () => {
  it("parseTargets takes full names and short ones (c_proj: both projections), in LORA_TARGETS order", () => {
    assert.deepEqual(parseTargets(["c_fc", "c_attn"]), ["attn.c_attn", "mlp.c_fc"]);
    assert.deepEqual(parseTargets(["c_proj"]), ["attn.c_proj", "mlp.c_proj"]);
    assert.deepEqual(parseTargets(["attn.c_proj", "c_attn"]), ["attn.c_attn", "attn.c_proj"]);
    assert.throws(() => parseTargets(["lm_head"]), /target "lm_head" is not a Linear layer of a block/);
    assert.throws(() => parseTargets([]), /targets is empty/);
  });

  it("checkLoraConfig names the field of an invalid rank, alpha, dropout or block list", () => {
    const cases: [Partial<LoraConfig>, RegExp][] = [
      [{r: 0}, /r \(0\) must be a positive integer/],
      [{r: 1.5}, /r \(1.5\) must be a positive integer/],
      [{alpha: -1}, /lora_alpha \(-1\) must be a positive number/],
      [{dropout: 1}, /lora_dropout \(1\) must be in \[0, 1\)/],
      [{layers: [2]}, /layers_to_transform \(\[2\]\) must be ascending blocks, each in \[0, 2\)/],
      [{layers: [1, 0]}, /layers_to_transform/],
      [{layers: []}, /layers_to_transform/]
    ];
    for (const [fields, message] of cases) assert.throws(() => checkLoraConfig({...ALL, ...fields}, 2), message);
    assert.throws(() => checkLoraConfig({...ALL, r: 0}), LoraError);
    assert.doesNotThrow(() => checkLoraConfig({...ALL, layers: [0, 1]}, 2));
  });
});

describe("attachLora", () => {
  for (const [name, lora] of [
    ["every block, c_attn, c_proj and c_fc", ALL],
    ["block 1 only, mlp.c_proj", {...ALL, r: 3, targets: parseTargets(["mlp.c_proj"]), layers: [1]}]
  ] as const) {
    it(`builds r·(in + out) weights per adapted matrix, A in U(±1/√in) and B zeros (${name})`, async () => {
      const params = model(noBias);
      await noLeak(() => {
        const adapter = attachLora(params, lora, 3);
        const weights = adapterWeights(adapter);
        const built = weights.reduce((n, {variable}) => n + variable.size, 0);
        assert.equal(built, loraCount(noBias, lora));
        for (const {name, variable} of weights) {
          const values = Array.from(variable.dataSync());
          if (name.endsWith("lora_B.weight"))
            assert.ok(
              values.every((v) => v === 0),
              `${name} is not zeros`
            );
          else {
            const bound = 1 / Math.sqrt(variable.shape[0]);
            assert.ok(values.every((v) => Math.abs(v) <= bound) && values.some((v) => v !== 0), name);
          }
        }
        detachLora(adapter);
      });
      disposeParams(params);
    });
  }

  it("the count formula: c_attn, both c_proj and c_fc of a 4-block, 128-wide model at r = 4 are 32,768", () => {
    const baby = makeConfig({vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128});
    assert.equal(loraCount(baby, {...ALL, r: 4}), 4 * 4 * (128 + 384 + (128 + 128) + (128 + 512) + (512 + 128)));
  });

  it("the adapted model starts equal to the base, bit for bit (B = 0), and the same seed draws the same A", async () => {
    const params = model();
    const idx = randomIds([2, 8], V, 4);
    await noLeak(() => {
      const base = logitsOf(params, idx);
      const adapter = attachLora(params, ALL, 9);
      assert.deepEqual(logitsOf(params, idx), base);
      const a1 = adapter.modules[0].lora.a.arraySync();
      detachLora(adapter);
      const again = attachLora(params, ALL, 9);
      assert.deepEqual(again.modules[0].lora.a.arraySync(), a1);
      detachLora(again);
    });
    tf.dispose(idx);
    disposeParams(params);
  });

  it("a second adapter on the same layer is refused, naming it", async () => {
    const params = model();
    await noLeak(() => {
      const adapter = attachLora(params, ALL, 1);
      assert.throws(() => attachLora(params, ALL, 2), /transformer\.h\.0\.attn\.c_attn has an adapter already/);
      detachLora(adapter);
    });
    disposeParams(params);
  });
});

describe("linear with an adapter", () => {
  it("linear(x, p) is x @ W + b + (α/r)·(x @ A) @ B while the adapter is on, x @ W + b when off", async () => {
    const params = model();
    const adapter = attachLora(params, ALL, 2);
    perturb(adapterWeights(adapter));
    const {linear: p, lora} = adapter.modules[0];
    await noLeak(() => {
      const x = randomTensor([2, 3, 8], 5);
      const rows = (t: tf.Tensor) => (t.arraySync() as number[][][]).flat();
      const xw = refLinear(rows(x), {weight: p.weight.arraySync() as Mat, bias: p.bias!.arraySync() as number[]});
      const xab = refLinear(refLinear(rows(x), {weight: lora.a.arraySync() as Mat, bias: null}), {
        weight: lora.b.arraySync() as Mat,
        bias: null
      });
      const y = tf.tidy(() => linear(x, p));
      assert.deepEqual(y.shape, [2, 3, 24]);
      assertClose(
        rows(y),
        xw.map((row, i) => row.map((v, j) => v + lora.scale * xab[i][j])),
        1e-5
      );
      setAdapterOn(adapter, false);
      const off = tf.tidy(() => linear(x, p));
      assertClose(rows(off), xw, 1e-5);
      setAdapterOn(adapter, true);
      tf.dispose([x, y, off]);
    });
    detachLora(adapter);
    disposeParams(params);
  });

  it("forward, the traced forward and the KV-cached forward all see the adapter; switched off, the base", async () => {
    const params = model();
    const idx = randomIds([1, 8], V, 6);
    const base = logitsOf(params, idx);
    const adapter = attachLora(params, ALL, 2);
    perturb(adapterWeights(adapter));
    await noLeak(() => {
      const adapted = logitsOf(params, idx);
      assert.ok(relDiff(adapted, base) > 1e-2, "the adapter changes nothing");
      const {trace} = forwardTraced(params, idx);
      assertClose(trace.logits.arraySync() as number[][][], adapted, 1e-6, "traced");
      disposeTrace(trace);
      const head = tf.slice(idx, [0, 0], [1, 5]) as tf.Tensor2D;
      const tail = tf.slice(idx, [0, 5], [1, 3]) as tf.Tensor2D;
      const first = forwardCached(params, head, null);
      const second = forwardCached(params, tail, first.present);
      assertClose(second.logits.arraySync() as number[][][], [adapted[0].slice(5)], 1e-5, "cached");
      tf.dispose([
        head,
        tail,
        first.logits,
        second.logits,
        ...[...first.present, ...second.present].flatMap((kv) => [kv.k, kv.v])
      ]);
      setAdapterOn(adapter, false);
      assert.deepEqual(logitsOf(params, idx), base);
      setAdapterOn(adapter, true);
    });
    tf.dispose(idx);
    detachLora(adapter);
    disposeParams(params);
  });

  it("the adapter's input dropout acts in training only, and the same seed replays the same masks", async () => {
    const params = model();
    const adapter = attachLora(params, {...ALL, dropout: 0.5}, 2);
    perturb(adapterWeights(adapter));
    const idx = randomIds([2, 8], V, 7);
    await noLeak(() => {
      const run = (opts: {training: boolean; seed?: number}) => logitsOf(params, idx, opts);
      const evaluated = run({training: false});
      assert.deepEqual(logitsOf(params, idx), evaluated);
      const [a, b, c] = [
        run({training: true, seed: 1}),
        run({training: true, seed: 1}),
        run({training: true, seed: 2})
      ];
      assert.deepEqual(a, b);
      assert.ok(relDiff(a, c) > 1e-3 && relDiff(a, evaluated) > 1e-3, "dropout changed nothing");
    });
    tf.dispose(idx);
    detachLora(adapter);
    disposeParams(params);
  });

  it("the gradients of A and B match finite differences", async () => {
    const params = model();
    const adapter = attachLora(params, {...ALL, dropout: 0.3}, 2);
    perturb(adapterWeights(adapter));
    const batch = data.batch("train", 0, 2);
    const vars = adapter.modules.flatMap(({lora}) => [lora.a, lora.b]).filter((_, i) => i % 3 === 0);
    await noLeak(() => assertGradients(() => batchLoss(params, batch, true, 11), vars, {eps: 1e-2, rtol: 2e-2}));
    detachLora(adapter);
    disposeParams(params);
  });
});

describe("merge and unmerge", () => {
  it("merge folds ΔW = (α/r)·A·B into W: logits equal the adapted ones within 1e-5 relative; unmerge takes it out", async () => {
    const params = model();
    const idx = randomIds([2, 8], V, 8);
    const base = logitsOf(params, idx);
    const before = namedParams(params).map(({variable}) => variable.arraySync());
    const adapter = attachLora(params, ALL, 2);
    perturb(adapterWeights(adapter));
    await noLeak(() => {
      const adapted = logitsOf(params, idx);
      const delta = deltaWeight(adapter.modules[0].lora);
      const w0 = adapter.modules[0].linear.weight.arraySync() as Mat;
      mergeAdapter(adapter);
      assert.ok(adapter.modules.every(({lora}) => !lora.on));
      const merged = logitsOf(params, idx);
      assert.ok(relDiff(merged, adapted) <= 1e-5, `merged vs adapted: ${relDiff(merged, adapted)}`);
      const w1 = adapter.modules[0].linear.weight.arraySync() as Mat;
      assertClose(
        w1,
        w0.map((row, i) => row.map((v, j) => v + (delta.arraySync() as Mat)[i][j])),
        1e-6,
        "W + ΔW"
      );
      assert.throws(() => mergeAdapter(adapter), /merged already/);
      assert.throws(() => setAdapterOn(adapter, false), /unmerge it first/);
      unmergeAdapter(adapter);
      assert.ok(relDiff(logitsOf(params, idx), adapted) <= 1e-5);
      setAdapterOn(adapter, false);
      assert.ok(relDiff(logitsOf(params, idx), base) <= 1e-5);
      namedParams(params).forEach(({variable}, i) => assertClose(variable.arraySync() as Mat, before[i] as Mat, 1e-6));
      assert.throws(() => unmergeAdapter(adapter), /not merged/);
      delta.dispose();
    });
    tf.dispose(idx);
    detachLora(adapter);
    disposeParams(params);
  });
});

describe("fine-tuning", () => {
  const settings = {...recipe("torch"), steps: 25, batchSize: 8, lr: 2e-2, evalEvery: 0, evalIters: 2, logEvery: 1};

  it("LoRA trains A and B only: the loss falls, the base weights stay bit-identical, AdamW keeps no base moments", async () => {
    const start = tf.memory().numTensors;
    const tuning = new Finetune({params: model(noBias), data, settings, seed: 3, lora: {...ALL, dropout: 0.1}});
    const base = bits(tuning.params);
    assert.equal(tuning.trainable, loraCount(noBias, ALL));
    assert.deepEqual(
      tuning.session.optimizer.params.map(({name}) => name),
      adapterWeights(tuning.adapter!).map(({name}) => name)
    );
    const before = await tuning.session.evaluate("train", 2, 8);
    for await (const _ of tuning.session.run());
    const after = await tuning.session.evaluate("train", 2, 8);
    assert.ok(after < before - 0.1, `loss ${before} → ${after}`);
    assert.deepEqual(bits(tuning.params), base);
    assert.ok(
      tuning.adapter!.modules.some(({lora}) => lora.b.dataSync().some((v) => v !== 0)),
      "B did not train"
    );
    tuning.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("full fine-tuning trains every weight of the model", async () => {
    const start = tf.memory().numTensors;
    const tuning = new Finetune({params: model(noBias), data, settings: {...settings, steps: 2}, seed: 3, lora: null});
    assert.equal(tuning.adapter, null);
    assert.equal(tuning.trainable, tuning.total);
    const base = bits(tuning.params);
    for await (const _ of tuning.session.run());
    assert.ok(
      bits(tuning.params).every((w, i) => w.some((v, j) => v !== base[i][j])),
      "a weight did not change"
    );
    tuning.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("modelText: the model writes rows of its own text after the start token, the same for the same seed", async () => {
    const params = model();
    await noLeak(async () => {
      const write = (seed: number) => modelText(params, {rows: 3, length: 7, start: 2, seed});
      const rows = await write(5);
      assert.deepEqual(
        rows.map((row) => [row.length, row[0]]),
        Array(3).fill([8, 2])
      );
      assert.ok(rows.flat().every((id) => Number.isInteger(id) && id >= 0 && id < V));
      assert.deepEqual(await write(5), rows);
      assert.notDeepEqual(await write(6), rows);
      const batch = sequenceBatch(rows);
      assert.deepEqual([batch.B, batch.T], [3, 7]);
      assert.deepEqual(Array.from(batch.y.subarray(0, 6)), Array.from(batch.x.subarray(1, 7)), "y is x shifted by one");
    });
    disposeParams(params);
  });

  it("fitText puts a text into a character vocabulary: stand-ins for quotes and dashes, other characters dropped", () => {
    const tokenizer = CharTokenizer.fromText("ab '-\n");
    const fitted = fitText('a "b" — a€b\n', tokenizer);
    assert.equal(fitted.text, "a 'b' - ab\n");
    assert.deepEqual(fitted.replaced, [
      {char: '"', by: "'", count: 2},
      {char: "—", by: "-", count: 1}
    ]);
    assert.deepEqual(fitted.dropped, [{char: "€", count: 1}]);
    assert.deepEqual(fitText("ab", tokenizer), {text: "ab", replaced: [], dropped: []});
  });
});
