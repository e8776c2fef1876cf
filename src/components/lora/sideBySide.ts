// Chapter 11's two fine-tunes of the same base on the same batches, one update of each in turn: a LoRA adapter
// (the base frozen) and every weight. After each pair of updates the page gets a plain record: held-out losses on
// the new text and on Shakespeare as they go, milliseconds per update, and the counts.
import * as tf from "@tinygpt/tf";
import {loadCheckpoint} from "../../gpt/checkpoint.js";
import type {Batch} from "../../gpt/data/corpus.js";
import {Finetune, type FinetuneMode} from "../../gpt/finetune.js";
import {setAdapterOn, type Adapter, type LoraConfig, type LoraTarget} from "../../gpt/lora.js";
import {generate} from "../../gpt/sample.js";
import {recipe} from "../../gpt/recipes.js";
import {batchLoss} from "../../gpt/step.js";
import {heldOut, newText, shakespeareText, type Base, type NewText, type TextSource} from "./loraData.js";

export interface RunSettings {
  lora: LoraConfig;
  steps: number;
  batchSize: number;
  loraLr: number;
  fullLr: number;
  evalEvery: number;
  seed: number;
}

/** What the page's controls say when the reader presses the button. */
export interface RunChoice extends Omit<RunSettings, "lora"> {
  source: TextSource;
  r: number;
  alpha: number;
  targets: readonly LoraTarget[];
}

/** The windows both train on and are measured on: T characters, shorter than the base's context, to go faster. */
export const T = 32;
const HELD_OUT_ROWS = 16;

/** One side of the run, as the page draws it. */
export interface SideState {
  mode: FinetuneMode;
  trainable: number;
  total: number;
  steps: number[]; // where the held-out losses were measured
  newText: number[]; // held-out loss on the new text at those steps
  shakespeare: number[]; // loss on the base's own Shakespeare at those steps
  train: number[]; // the training loss of every update
  msPerStep: number | null; // mean time of an update so far
}

export interface RunState {
  step: number;
  steps: number;
  lora: SideState;
  full: SideState;
  done: boolean;
}

/** The mean loss of a model on a fixed batch, without dropout. */
async function lossOn(tuning: Finetune, batch: Batch): Promise<number> {
  const loss = tf.tidy(() => batchLoss(tuning.params, batch, false));
  const [value] = await loss.data();
  loss.dispose();
  return value;
}

export class SideBySide {
  readonly lora: Finetune;
  readonly full: Finetune;
  private readonly states: Record<FinetuneMode, SideState>;
  private readonly ms: Record<FinetuneMode, number> = {lora: 0, full: 0};
  private stopped = false;
  private running = false;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve(); // what looks at the models after the run, one at a time
  merged: Uint8Array | null = null; // the last merge of this run's adapter, as a checkpoint (loraFiles.ts)

  /** The run the controls describe: the new text, both held-out batches (Shakespeare written by the base), both models. */
  static async start(base: Base, choice: RunChoice): Promise<SideBySide> {
    const {source, r, alpha, targets, ...settings} = choice;
    const text = newText(source, base, T, settings.seed);
    const shakespeare = await shakespeareText(base, HELD_OUT_ROWS, T, 7);
    const lora: LoraConfig = {r, alpha, dropout: 0, targets, layers: null};
    return new SideBySide(base, text, {newText: heldOut(text, HELD_OUT_ROWS), shakespeare}, {...settings, lora});
  }

  constructor(
    base: Base,
    readonly text: NewText,
    private readonly heldOut: {newText: Batch; shakespeare: Batch},
    private readonly settings: RunSettings
  ) {
    const {steps, batchSize, loraLr, fullLr, seed} = settings;
    const common = {...recipe("torch"), steps, batchSize, evalEvery: 0, evalIters: 1, logEvery: 1};
    const start = (lr: number, lora: LoraConfig | null) =>
      new Finetune({params: loadCheckpoint(base.bytes).params, data: text.data, settings: {...common, lr}, seed, lora});
    this.lora = start(loraLr, settings.lora);
    this.full = start(fullLr, null);
    const side = (tuning: Finetune): SideState => ({
      ...{mode: tuning.mode, trainable: tuning.trainable, total: tuning.total},
      ...{steps: [], newText: [], shakespeare: [], train: [], msPerStep: null}
    });
    this.states = {lora: side(this.lora), full: side(this.full)};
  }

  /** The LoRA side's adapter. */
  get adapter(): Adapter {
    return this.lora.adapter!;
  }

  /** One held-out window of the new text: what the merge and the reloaded adapter are compared on. */
  get probe(): number[] {
    return Array.from(this.heldOut.newText.x.subarray(0, T));
  }

  private state(done: boolean): RunState {
    const copy = (s: SideState): SideState => ({
      ...s,
      ...{steps: [...s.steps], newText: [...s.newText], shakespeare: [...s.shakespeare], train: [...s.train]}
    });
    const step = this.lora.session.stepsDone;
    return {step, steps: this.settings.steps, lora: copy(this.states.lora), full: copy(this.states.full), done};
  }

  private async measure(): Promise<void> {
    for (const tuning of [this.lora, this.full]) {
      const s = this.states[tuning.mode];
      s.steps.push(tuning.session.stepsDone);
      s.newText.push(await lossOn(tuning, this.heldOut.newText));
      s.shakespeare.push(await lossOn(tuning, this.heldOut.shakespeare));
    }
  }

  /** Trains both, one update of each in turn, yielding the state after each pair (and once before). */
  async *run(): AsyncGenerator<RunState> {
    if (this.running || this.disposed) throw new Error("this run has started already");
    this.running = true;
    try {
      await this.measure();
      yield this.state(false);
      const {steps, evalEvery} = this.settings;
      for (let i = 1; i <= steps && !this.stopped; i++) {
        for (const tuning of [this.lora, this.full]) {
          const t0 = performance.now();
          const {loss} = await tuning.session.step();
          this.ms[tuning.mode] += performance.now() - t0;
          const s = this.states[tuning.mode];
          s.train.push(loss);
          s.msPerStep = this.ms[tuning.mode] / i;
        }
        if (i === steps || i % evalEvery === 0) await this.measure();
        yield this.state(i === steps);
      }
    } finally {
      this.running = false;
      if (this.disposed) this.free();
    }
  }

  /** Runs fn once everything queued before it has finished: one thing at a time looks at (or merges) the models. */
  use<T>(fn: (runs: this) => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new Error("this run was replaced"));
    const next = this.queue.then(() => fn(this));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * What each writes after prompt, at temperature 0.8 with one seed, as text: the base (the adapter switched off:
   * the same weights without the detour), the adapted model and the fully fine-tuned one.
   */
  samples(prompt: string, maxNewTokens: number, seed: number): Promise<{key: string; caption: string; text: string}[]> {
    const {tokenizer} = this.text.data;
    const ids = tokenizer.encode(prompt);
    const write = async (tuning: Finetune) =>
      tokenizer.decode((await generate(tuning.params, ids, {maxNewTokens, temperature: 0.8, seed})).slice(ids.length));
    return this.use(async () => {
      setAdapterOn(this.adapter, false);
      let base: string;
      try {
        base = await write(this.lora);
      } finally {
        setAdapterOn(this.adapter, true);
      }
      return [
        {key: "base", caption: "before (the base)", text: base},
        {key: "lora", caption: "LoRA", text: await write(this.lora)},
        {key: "full", caption: "full fine-tuning", text: await write(this.full)}
      ];
    });
  }

  /** Stops the run after the update in progress; frees both models once it has ended. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = this.stopped = true;
    if (!this.running) this.free();
  }

  /** Frees both models once whatever is looking at them has finished. */
  private free(): void {
    void this.queue.then(() => (this.lora.dispose(), this.full.dispose()));
  }
}

/** The run, once it has finished; otherwise throws, for the buttons that need a trained adapter. */
export function finishedRun(run: SideBySide | null, state: RunState | null): SideBySide {
  if (!run || !state?.done) throw new Error("fine-tune first");
  return run;
}

/** One finished run, as the rank table shows it. */
export interface HistoryRow {
  id: number;
  r: number;
  trainable: number;
  steps: number;
  lora: number; // the new text's held-out loss at the end
  full: number;
  shakespeare: number; // LoRA's loss on Shakespeare at the end
}

/** The runs of this page so far, one row each, kept across runs. */
export class History {
  readonly rows: HistoryRow[] = [];

  /** Adds run id's row once it has finished (again: nothing); returns every row. */
  add(id: number, run: SideBySide | null, state: RunState | null): HistoryRow[] {
    if (run && state?.done && !this.rows.some((row) => row.id === id)) {
      const last = (xs: number[]) => xs[xs.length - 1];
      this.rows.push({
        ...{id, r: run.adapter.config.r, trainable: state.lora.trainable, steps: state.steps},
        ...{lora: last(state.lora.newText), full: last(state.full.newText), shakespeare: last(state.lora.shakespeare)}
      });
    }
    return [...this.rows];
  }
}
