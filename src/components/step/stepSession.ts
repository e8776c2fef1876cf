// Chapter 7's model in training: a TrainingSession of the reader's model on the chosen corpus, its next update taken
// apart (the session's inspectStep) and runs of more updates. Every number comes from the library on the active
// backend.
//
// Test hooks (window.__tinygpt, see testHooks.ts):
//   step      the last inspected update: {t, draw, B, micro, T, loss, lossAfter, gradNorm, clipScale, tensorsBefore,
//             tensorsAfter, ms}; tensorsAfter === tensorsBefore when the step released every tensor it made
//   training  after each run: {steps, losses, running, tensorsBefore, tensorsAfter}
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import type {Dataset} from "../../gpt/data/corpus.js";
import type {StepInspection} from "../../gpt/inspection.js";
import {initParams} from "../../gpt/params.js";
import {recipe, type TrainSettings} from "../../gpt/recipes.js";
import {TrainingSession} from "../../gpt/session.js";
import {expose} from "../page/testHooks.js";
import {toConfig, type ReaderModel} from "../reader/readerModel.js";
import {stepCorpus, type CorpusChoice} from "./stepCorpus.js";

export type {TensorStep} from "../../gpt/inspection.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    step?: Record<string, number>;
    training?: {steps: number; losses: number[]; running: boolean; tensorsBefore: number; tensorsAfter: number};
  }
}

/** The settings the reader changes; the others are RECIPE's. clip null: no clipping. */
export type Hyper = Pick<TrainSettings, "lr" | "weightDecay" | "beta1" | "beta2" | "clip" | "batchSize" | "gradAccum">;

/** nanoGPT's character recipe (lr 1e-3, λ 0.1, β2 0.99, clip 1) at a constant rate, with a batch that fits a page. */
const RECIPE: Readonly<TrainSettings> = {
  ...recipe("nanogpt-char"),
  ...{schedule: "constant", warmup: 0, minLr: 0, batchSize: 4}
};

const {lr, weightDecay, beta1, beta2, clip, batchSize, gradAccum} = RECIPE;

/** The reader's settings at first: RECIPE's. */
export const HYPER_DEFAULTS: Readonly<Hyper> = Object.freeze({
  lr,
  weightDecay,
  beta1,
  beta2,
  clip,
  batchSize,
  gradAccum
});

/** One inspected update, and which batch it drew (0: the one training takes next). */
export type StepData = StepInspection & {draw: number};

/** What runs of more updates have done so far. */
export interface Progress {
  steps: number; // updates applied to the session's weights
  losses: number[]; // the training loss of each
  running: boolean;
}

/** The reader's model (vocabulary from the corpus), fresh weights, zero moments, and batches from the corpus. */
export class StepSession {
  readonly config: GPTConfig;
  readonly data: Dataset;
  readonly note: string | null; // why the sequences are shorter than the reader's blockSize, when they are
  readonly names: string[]; // the trained weights, in state_dict order
  private readonly session: TrainingSession;
  private readonly losses: number[] = [];
  private readonly listeners = new Set<(p: Progress) => void>();
  private running = false;
  private ran: Promise<void> = Promise.resolve(); // the last run (settled once it ends)
  private disposed = false;

  constructor(model: ReaderModel, corpus: CorpusChoice) {
    const {data, T, note} = stepCorpus(corpus, model.text, model.blockSize, model.seed);
    const base = toConfig(model);
    this.config = makeConfig({...base, vocabSize: data.tokenizer.vocabSize, blockSize: Math.max(base.blockSize, T)});
    [this.data, this.note] = [data, note];
    const params = initParams(this.config, model.seed);
    this.session = new TrainingSession({params, data, settings: RECIPE, seed: model.seed});
    this.names = this.session.optimizer.params.map((p) => p.name);
  }

  /** Updates applied so far. */
  get steps(): number {
    return this.session.stepsDone;
  }

  progress(): Progress {
    return {steps: this.steps, losses: [...this.losses], running: this.running};
  }

  /** Calls fn now and after every change (each update of a run); returns the function that stops it. */
  subscribe(fn: (p: Progress) => void): () => void {
    this.listeners.add(fn);
    fn(this.progress());
    return () => this.listeners.delete(fn);
  }

  /**
   * Calls fn with the number of updates applied, now and whenever a run ends (not during one): what the next update
   * to inspect depends on. Returns the function that stops it.
   */
  onApplied(fn: (steps: number) => void): () => void {
    return this.subscribe((p) => p.running || fn(p.steps));
  }

  private notify(): void {
    for (const fn of this.listeners) fn(this.progress());
  }

  /**
   * Update t taken apart with hyper's settings and read back, then undone, so that settings can change and the step
   * be taken again. Waits for a run to end first: the page passes its count of applied updates + 1, so it asks again
   * after every run (should a run end in between, the session's own next update is the one inspected: the result's
   * t says which). The batch is the one training takes next; draw > 0 takes another.
   */
  async inspect({t, draw, hyper}: {t: number; draw: number; hyper: Hyper}): Promise<StepData> {
    await this.ran.catch(() => undefined); // a run that failed said so to its caller
    if (this.disposed) throw new Error("this model was replaced");
    const start = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    let read: Record<string, number> = {t, draw};
    try {
      this.session.configure({...RECIPE, ...hyper});
      const step = await this.session.inspectStep({draw});
      const {B, micro, T, loss, lossAfter, gradNorm, clipScale} = step;
      read = {t: step.t, draw, B, micro, T, loss, lossAfter, gradNorm, clipScale};
      return {...step, draw};
    } finally {
      expose("step", {...read, tensorsBefore, tensorsAfter: tf.memory().numTensors, ms: performance.now() - start});
    }
  }

  /** n more updates of the session's own weights with hyper's settings, on the next batches; one run at a time. */
  run(n: number, hyper: Hyper): Promise<void> {
    if (this.running || this.disposed) return this.ran;
    this.running = true;
    this.ran = this.train(n, hyper);
    return this.ran;
  }

  private async train(n: number, hyper: Hyper): Promise<void> {
    this.notify();
    const tensorsBefore = tf.memory().numTensors;
    try {
      this.session.configure({...RECIPE, ...hyper});
      for (let i = 0; i < n && !this.disposed; i++) {
        const {loss} = await this.session.step();
        if (this.disposed) break;
        this.losses.push(loss);
        this.notify();
      }
    } finally {
      this.running = false;
      const {steps, losses, running} = this.progress();
      expose("training", {steps, losses, running, tensorsBefore, tensorsAfter: tf.memory().numTensors});
      if (!this.disposed) this.notify();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    this.session.dispose();
  }
}
