// The runs this page has trained, side by side: what each read (the data, the tokenizer), how big the model was, and
// its last validation loss per token and per byte, so characters and BPE compare on the same text.
import type {GPTConfig} from "../../gpt/config.js";
import {countParams} from "../../gpt/count.js";
import {bits, lossPerByte} from "../../gpt/perByte.js";
import type {TrainData} from "./trainData.js";
import type {TrainState} from "./trainState.js";
import {table, type Column} from "../../views/table.js";

export interface RunRecord {
  data: string; // "the fables"
  tokenizer: string; // "characters", "BPE, 512 tokens", "the 12 tokens of the sums"
  vocabSize: number;
  params: number;
  steps: number;
  valLoss: number; // nats per token, at the run's last evaluation
  bitsPerByte: number | null; // text only: valLoss × tokens / bytes of the validation split, ÷ ln 2
}

/** Bits per byte of a validation loss (nats per token) on a text's validation split; null for the sums. */
export const bitsPerByte = (data: TrainData, valLoss: number): number | null =>
  data.valText ? bits(lossPerByte(valLoss, data.valText.tokens, data.valText.bytes)) : null;

/** The last validation loss per byte, worked out in words: "… 1.234 nats per token × 11,210 / 36,002 = …". */
export function perByteNote(
  data: TrainData,
  last: {step: number; value: number} | null
): {text: string; bits: number | null} {
  if (!data.valText) return {text: "", bits: null};
  const {tokens, bytes} = data.valText;
  const split = `The validation text is ${count(tokens)} tokens and ${count(bytes)} bytes (${(bytes / tokens).toFixed(2)} bytes per token).`;
  if (!last) return {text: `${split} Once the run has evaluated, its loss per byte shows here.`, bits: null};
  const perByte = bitsPerByte(data, last.value)!;
  const worked = `${last.value.toFixed(3)} nats per token × ${count(tokens)} / ${count(bytes)} = ${(perByte * Math.LN2).toFixed(3)} nats`;
  return {
    text: `${split} At step ${count(last.step)} the validation loss is ${worked}, ${perByte.toFixed(3)} bits per byte.`,
    bits: perByte
  };
}

const count = (n: number) => n.toLocaleString("en-US");

/** What a run that ended with this state goes down as; null when it never evaluated. */
export function runRecord(data: TrainData, config: GPTConfig, state: TrainState): RunRecord | null {
  const last = state.val.at(-1);
  if (!last) return null;
  const tokenizer =
    data.tokenizer === null
      ? `the ${data.vocab.length} tokens of the sums`
      : data.tokenizer === "char"
        ? "characters"
        : `BPE, ${data.vocab.length.toLocaleString("en-US")} tokens`;
  return {
    ...{data: data.label, tokenizer, vocabSize: config.vocabSize, params: countParams(config).total},
    ...{steps: state.step, valLoss: last.value, bitsPerByte: bitsPerByte(data, last.value)}
  };
}

/** The page's runs, newest last; a run continued after a stop replaces its earlier record. */
export class RunLog {
  private readonly runs: {key: object; record: RunRecord}[] = [];
  private readonly listeners = new Set<(runs: RunRecord[]) => void>();

  /** Adds a run's record (nothing when it never evaluated). */
  add(key: object, record: RunRecord | null): void {
    if (!record) return;
    const i = this.runs.findIndex((r) => r.key === key);
    if (i >= 0) this.runs.splice(i, 1);
    this.runs.push({key, record});
    const runs = this.runs.map((r) => r.record);
    for (const fn of this.listeners) fn(runs);
  }

  /** Calls fn with the runs now and after each new one; returns the unsubscriber. */
  subscribe(fn: (runs: RunRecord[]) => void): () => void {
    this.listeners.add(fn);
    fn(this.runs.map((r) => r.record));
    return () => this.listeners.delete(fn);
  }
}

/** The runs as a table: data, tokenizer, model size, steps, validation loss per token and per byte. */
export function runTable(runs: readonly RunRecord[], options: {name?: string} = {}): HTMLElement {
  const fixed = (digits: number) => (v: number | null) => (v === null ? "—" : v.toFixed(digits));
  const columns: Column<RunRecord>[] = [
    {key: "data", label: "data", value: (r) => r.data},
    {key: "tokenizer", label: "tokenizer", value: (r) => r.tokenizer},
    {key: "params", label: "parameters", value: (r) => r.params},
    {key: "steps", label: "steps", value: (r) => r.steps},
    {key: "valLoss", label: "val loss (nats/token)", value: (r) => fixed(3)(r.valLoss), align: "right"},
    {key: "bitsPerByte", label: "bits per byte", value: (r) => fixed(3)(r.bitsPerByte), align: "right"}
  ];
  return table(runs, columns, {caption: "the runs on this page", rowKey: (_, i) => String(i), ...options});
}
