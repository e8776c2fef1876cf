// Chapter 8's runs side by side: a run's record (its tokenizer, size and last validation loss per token and per byte),
// the worked per-byte sentence, and the log a continued run updates in place.
import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {makeConfig} from "../../../src/gpt/config.js";
import {countParams} from "../../../src/gpt/count.js";
import {trainData} from "../../../src/components/training/trainData.js";
import {emptyState} from "../../../src/components/training/trainState.js";
import {perByteNote, RunLog, runRecord, type RunRecord} from "../../../src/components/training/runLog.js";

const toy = {choice: "toy sentences", text: null, origin: null} as const;
const data = trainData(toy, 16, 1, "BPE, 300 tokens");
const config = makeConfig({vocabSize: data.vocab.length, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32});
const ended = (loss: number, step = 40) => ({...emptyState(data, "fresh"), step, val: [{step, value: loss}]});

describe("the runs chapter 8 lists", () => {
  it("a run's record: bits per byte are the loss per token × tokens / bytes of the val split, ÷ ln 2", () => {
    const record = runRecord(data, config, ended(2))!;
    const {tokens, bytes} = data.valText!;
    assert.equal(record.tokenizer, `BPE, ${data.vocab.length} tokens`);
    assert.equal(record.params, countParams(config).total);
    assert.equal(record.valLoss, 2);
    assert.ok(Math.abs(record.bitsPerByte! - (2 * tokens) / bytes / Math.LN2) < 1e-12);
    assert.equal(runRecord(data, config, emptyState(data, "fresh")), null, "a run that never evaluated");
    const sums = trainData({choice: "addition", text: null, origin: null}, 16, 1);
    const sumRecord = runRecord(sums, {...config, vocabSize: 12}, {...ended(1), lnV: 0})!;
    assert.deepEqual([sumRecord.tokenizer, sumRecord.bitsPerByte], ["the 12 tokens of the sums", null]);
  });

  it("perByteNote works the sum out in words, and waits for an evaluation", () => {
    const {tokens, bytes} = data.valText!;
    const note = perByteNote(data, {step: 40, value: 2});
    assert.ok(Math.abs(note.bits! - (2 * tokens) / bytes / Math.LN2) < 1e-12);
    assert.match(
      note.text,
      new RegExp(`2\\.000 nats per token × ${tokens} / ${bytes} = [\\d.]+ nats, ${note.bits!.toFixed(3)} bits per byte`)
    );
    assert.deepEqual(perByteNote(data, null).bits, null);
    assert.match(perByteNote(data, null).text, /Once the run has evaluated/);
  });

  it("RunLog: a new run is added last, a continued run replaces its record, a run without an evaluation is left out", () => {
    const log = new RunLog();
    const seen: RunRecord[][] = [];
    log.subscribe((runs) => seen.push(runs));
    const [a, b] = [{}, {}];
    log.add(a, runRecord(data, config, ended(3, 10)));
    log.add(b, runRecord(data, config, ended(2.5, 10)));
    log.add(a, runRecord(data, config, ended(2, 20)));
    log.add(b, null);
    assert.deepEqual(
      seen.map((runs) => runs.map((r) => [r.steps, r.valLoss])),
      [
        [],
        [[10, 3]],
        [
          [10, 3],
          [10, 2.5]
        ],
        [
          [10, 2.5],
          [20, 2]
        ]
      ]
    );
  });
});
