// Chapter 9's streaming generation: every token announced as it is written (the same tokens sample() writes), the
// detail built only for the token asked for, a run stopped before its next token, beam search's hypotheses listed
// best first; no tensor left behind.
import {after, before, describe, it} from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tinygpt/tf";
import type {TrainedModel} from "../../../src/components/checkpoints/trainedModels.js";
import type {GenSettings} from "../../../src/components/generation/generation.js";
import {GenerationRun, type GenState} from "../../../src/components/generation/run.js";
import {makeConfig} from "../../../src/gpt/config.js";
import {disposeParams, initParams, namedParams, type Params} from "../../../src/gpt/params.js";
import {sample} from "../../../src/gpt/sample.js";
import {CharTokenizer} from "../../../src/gpt/tokenizer.js";
import {randomise, useCpu} from "../../helpers/tf.js";

const tokenizer = CharTokenizer.fromText("abcdefgh ij\n");
const config = makeConfig({vocabSize: tokenizer.vocab.length, blockSize: 10, nLayer: 2, nHead: 2, nEmbd: 16});
let params: Params;

/** The fields of a page's TrainedModel that a run reads; holders counted. */
function model(): TrainedModel & {held: number} {
  const closing = new AbortController();
  const m = {
    ...{key: "test", label: "test", params, config, tokenizer, addition: false, held: 0},
    signal: closing.signal,
    acquire: () => void m.held++,
    release: () => void m.held--,
    use: async <T>(fn: (x: TrainedModel) => Promise<T>) => fn(m as unknown as TrainedModel),
    dispose: () => closing.abort()
  };
  return m as unknown as TrainedModel & {held: number};
}

const settings = (s: Partial<GenSettings> = {}): GenSettings => ({
  ...{method: "sample", temperature: 0.9, topK: 4, topP: 1, beam: 3, seed: 7, maxNewTokens: 14, kvCache: true},
  ...s
});

before(async () => {
  await useCpu();
  params = initParams(config, 3);
  namedParams(params).forEach(({variable}, i) => randomise(variable, 300 + i, 0.4));
});
after(() => disposeParams(params));

describe("GenerationRun", () => {
  it("announces every token as it is written, the same tokens sample() writes, and leaks no tensor", async () => {
    const before = tf.memory().numTensors;
    const m = model();
    const run = new GenerationRun(m, [1, 2, 3], settings());
    const seen: number[] = [];
    run.subscribe((s) => void seen.push(s.generated.length));
    const end = await run.finished;
    const expected: number[] = [];
    for await (const step of sample(params, [1, 2, 3], {temperature: 0.9, topK: 4, maxNewTokens: 14, seed: 7}))
      expected.push(step.token);
    assert.deepEqual(end.generated, expected);
    assert.equal(end.done, true);
    assert.deepEqual(seen.slice(0, 15), [...Array(15).keys()], "one announcement per token, in order");
    assert.ok(end.firstMs !== null && end.firstMs <= end.ms);
    assert.equal(m.held, 0, "the model is let go");
    assert.equal(tf.memory().numTensors, before);
  });

  it("builds the picked token's detail from its own logits: the chosen id, what top-k kept, the text before it", async () => {
    const before = tf.memory().numTensors;
    const run = new GenerationRun(model(), [1, 2], settings({topK: 3}));
    const pending = run.step(5); // asked for before it is written: waits for it
    const step = (await pending)!;
    const {generated} = await run.finished;
    assert.equal(step.index, 4);
    assert.equal(step.id, generated[4]);
    assert.deepEqual(step.context, [1, 2, ...generated.slice(0, 4)]);
    assert.deepEqual(step.window, [0, 6]);
    assert.equal(step.kept, 3);
    assert.equal(step.rows.filter((r) => r.chosen).length, 1);
    assert.equal(step.rows.find((r) => r.chosen)!.id, generated[4]);
    assert.equal(step.rows.filter((r) => r.keptK).length, 3);
    assert.equal(step.cached, 6);
    assert.equal(step.ran, 1, "the cache held the rest");
    const past = (await run.step(99))!;
    assert.equal(past.index, generated.length - 1, "past the end: the last token");
    const sum = step.rows.reduce((s, r) => s + r.final, 0);
    assert.ok(sum <= 1 + 1e-9);
    assert.equal(tf.memory().numTensors, before);
  });

  it("greedy: the picked token's detail keeps one token, the most likely, with all of the final probability", async () => {
    const run = new GenerationRun(model(), [4], settings({method: "greedy"}));
    const step = (await run.step(2))!;
    assert.equal(step.kept, 1);
    assert.equal(step.rows[0].chosen, true);
    assert.equal(step.rows[0].final, 1);
    assert.ok(step.rows.every((r, i) => i === 0 || r.p <= step.rows[0].p));
    await run.finished;
  });

  it("stop() ends the run before its next token; a stopped run is not done", async () => {
    const before = tf.memory().numTensors;
    const m = model();
    const run = new GenerationRun(m, [1], settings({maxNewTokens: 200}));
    run.subscribe((s) => void (s.generated.length === 2 && run.stop()));
    const end: GenState = await run.finished;
    assert.equal(end.generated.length, 2);
    assert.equal(end.stopped, true);
    assert.equal(end.done, false);
    assert.equal(m.held, 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it("a replaced model stops the run, and a model already replaced is reported, not thrown", async () => {
    const m = model();
    const run = new GenerationRun(m, [1], settings({maxNewTokens: 200}));
    run.subscribe((s) => void (s.generated.length === 1 && m.dispose()));
    const stopped = await run.finished;
    assert.equal(stopped.stopped, true);
    assert.equal(stopped.generated.length, 1);
    const replaced = Object.assign(model(), {
      acquire: () => {
        throw new Error("this model was replaced");
      }
    });
    const late = await new GenerationRun(replaced, [1], settings()).finished;
    assert.equal(late.error, "this model was replaced");
    assert.equal(late.done, false);
  });

  it("beam search lists every hypothesis with its score, best first; the text is the best one", async () => {
    const before = tf.memory().numTensors;
    const run = new GenerationRun(model(), [1, 2], settings({method: "beam search", beam: 3, maxNewTokens: 6}));
    const end = await run.finished;
    assert.equal(end.beams!.length, 3);
    const scores = end.beams!.map((b) => b.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a)
    );
    assert.deepEqual(end.generated, end.beams![0].ids);
    assert.ok(end.beams!.every((b) => b.ids.length === 6));
    assert.equal(await run.step(1), null, "beam search draws from no single distribution");
    assert.equal(tf.memory().numTensors, before);
  });
});
