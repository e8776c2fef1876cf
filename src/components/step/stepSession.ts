// Chapter 7's model in training: its weights and AdamW state, one inspected step at a time, and runs of more steps.
// Every number comes from the library (trainStep, AdamW, the model's layers) on the active backend.
//
// Test hooks (window.__tinygpt, see testHooks.ts):
//   step      the last inspected step: {t, draw, B, T, loss, lossAfter, gradNorm, clipScale, tensorsBefore,
//             tensorsAfter, ms}; tensorsAfter === tensorsBefore when the step released every tensor it made
//   training  after each run: {steps, losses, running, tensorsBefore, tensorsAfter}
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import type {Dataset} from "../../gpt/data/corpus.js";
import {initParams} from "../../gpt/params.js";
import {recipe, type TrainSettings} from "../../gpt/recipes.js";
import {TrainingSession} from "../../gpt/session.js";
import {toConfig, type ReaderModel} from "../reader/readerModel.js";
import {stepCorpus, type CorpusChoice} from "./stepCorpus.js";
import {expose} from "../page/testHooks.js";
import {HYPER_DEFAULTS, type Hyper, type Progress, type StepData} from "./stepTypes.js";

export {HYPER_DEFAULTS} from "./stepTypes.js";
export type {Hyper, Progress, StepData, TensorStep} from "./stepTypes.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    step?: Record<string, number>;
    training?: {steps: number; losses: number[]; running: boolean; tensorsBefore: number; tensorsAfter: number};
  }
}

/** The session's settings for the reader's: nanoGPT's character recipe at a constant learning rate. */
const settingsOf = (hyper: Hyper): TrainSettings => ({
  ...recipe("nanogpt-char"),
  ...{schedule: "constant", warmup: 0, minLr: 0},
  ...hyper
});

/** The reader's model (vocabulary from the corpus), fresh weights, zero moments, and batches from the corpus. */
export class StepSession {
  readonly config: GPTConfig;
  readonly data: Dataset;
  readonly note: string | null;
  readonly names: string[];
  private readonly session: TrainingSession;
  private readonly losses: number[] = [];
  private readonly listeners = new Set<(p: Progress) => void>();
  private running = false;
  private disposed = false;

  constructor(model: ReaderModel, corpus: CorpusChoice) {
    const {data, T, note} = stepCorpus(corpus, model.text, model.blockSize, model.seed);
    const base = toConfig(model);
    this.config = makeConfig({...base, vocabSize: data.tokenizer.vocabSize, blockSize: Math.max(base.blockSize, T)});
    [this.data, this.note] = [data, note];
    const params = initParams(this.config, model.seed);
    this.session = new TrainingSession({params, data, settings: settingsOf(HYPER_DEFAULTS), seed: model.seed});
    this.names = this.session.optimizer.params.map((p) => p.name);
  }

  get steps(): number {
    return this.session.stepsDone;
  }

  progress(): Progress {
    return {steps: this.steps, losses: [...this.losses], running: this.running};
  }

  /** Calls fn now and after every change; returns the function that stops it. */
  subscribe(fn: (p: Progress) => void): () => void {
    this.listeners.add(fn);
    fn(this.progress());
    return () => this.listeners.delete(fn);
  }

  private notify(): void {
    for (const fn of this.listeners) fn(this.progress());
  }

  /**
   * The next update with hyper's settings, taken apart and read back (the session's inspectStep), then undone, so
   * that settings can change and the step be recomputed. The batch is the one training takes next; draw > 0 takes
   * another.
   */
  async inspect(draw: number, hyper: Hyper): Promise<StepData> {
    if (this.disposed) throw new Error("this model was replaced");
    const start = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    let read: Record<string, number> = {t: this.steps + 1, draw};
    try {
      this.session.configure(settingsOf(hyper));
      const ins = await this.session.inspectStep({draw});
      const {t, B, T, loss, lossAfter, gradNorm, clipScale} = ins;
      read = {loss, lossAfter, gradNorm, clipScale, t, draw, B, T};
      return {...ins, draw, eps: ins.settings.eps, hyper: {...hyper}};
    } finally {
      expose("step", {...read, tensorsBefore, tensorsAfter: tf.memory().numTensors, ms: performance.now() - start});
    }
  }

  /** n more updates of the session's own weights, on the next batches of the corpus; one run at a time. */
  async run(n: number, hyper: Hyper): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    this.notify();
    const tensorsBefore = tf.memory().numTensors;
    try {
      this.session.configure(settingsOf(hyper));
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
