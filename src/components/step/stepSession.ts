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
import {IGNORE_INDEX} from "../../gpt/loss.js";
import {AdamW} from "../../gpt/optim.js";
import {assembleParams, disposeParams, initParams, namedParams, type Params} from "../../gpt/params.js";
import {readAll, readTensors, toNumber} from "../../gpt/readback.js";
import {disposeInspection, trainStep} from "../../gpt/step.js";
import {toConfig, type ReaderModel} from "../reader/readerModel.js";
import {stepCorpus, type CorpusChoice} from "./stepCorpus.js";
import {streamGrads} from "./streamGrads.js";
import {expose} from "../page/testHooks.js";
import type {Hyper, Progress, StepData, TensorStep} from "./stepTypes.js";

export {HYPER_DEFAULTS} from "./stepTypes.js";
export type {Hyper, Progress, StepData, TensorStep} from "./stepTypes.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    step?: Record<string, number>;
    training?: {steps: number; losses: number[]; running: boolean; tensorsBefore: number; tensorsAfter: number};
  }
}

/** The reader's model (vocabulary from the corpus), fresh weights, zero moments, and batches from the corpus. */
export class StepSession {
  readonly config: GPTConfig;
  readonly data: Dataset;
  readonly note: string | null;
  readonly names: string[];
  private readonly params: Params;
  private readonly state: AdamW; // holds m, v and the step count between runs
  private readonly losses: number[] = [];
  private readonly listeners = new Set<(p: Progress) => void>();
  private running = false;
  private disposed = false;

  constructor(model: ReaderModel, corpus: CorpusChoice) {
    const {data, T, note} = stepCorpus(corpus, model.text, model.blockSize, model.seed);
    const base = toConfig(model);
    this.config = makeConfig({...base, vocabSize: data.tokenizer.vocabSize, blockSize: Math.max(base.blockSize, T)});
    [this.data, this.note] = [data, note];
    this.params = initParams(this.config, model.seed);
    this.state = new AdamW(this.params);
    this.names = this.state.params.map((p) => p.name);
  }

  get steps(): number {
    return this.state.step;
  }

  progress(): Progress {
    return {steps: this.state.step, losses: [...this.losses], running: this.running};
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

  /** An AdamW over params with hyper's settings and the session's moments and step (the caller disposes it). */
  private optimizer(params: Params, hyper: Hyper): AdamW {
    const opt = new AdamW(params, {beta1: hyper.beta1, beta2: hyper.beta2, weightDecay: hyper.weightDecay});
    opt.m.forEach((m, i) => m.assign(this.state.m[i]));
    opt.v.forEach((v, i) => v.assign(this.state.v[i]));
    opt.step = this.state.step;
    return opt;
  }

  /**
   * The next update, computed on a copy of the weights and moments (so settings can change and the step be
   * recomputed), with everything read back. The batch is the one training takes after `steps` updates (the
   * session's count by default); draw > 0 takes another. Frees every tensor it makes.
   */
  async inspect(draw: number, hyper: Hyper, steps = this.state.step): Promise<StepData> {
    if (this.disposed) throw new Error("this model was replaced");
    const start = performance.now();
    const tensorsBefore = tf.memory().numTensors;
    const batch = this.data.batch("train", steps + 1_000_003 * draw, hyper.batchSize);
    const {B, T} = batch;
    const copies = new Map(namedParams(this.params).map(({name, variable}) => [name, tf.variable(variable)]));
    const params = assembleParams(this.config, (name) => copies.get(name) ?? null);
    const stream = streamGrads(params, batch);
    const opt = this.optimizer(params, hyper);
    const {bc1, bc2} = opt.biasCorrections();
    const {loss, gradNorm, inspection} = trainStep(params, opt, batch, {lr: hyper.lr, clip: hyper.clip, inspect: true});
    const step = inspection!;
    let read: Record<string, number> = {};
    try {
      const scalars = [step.loss, step.lossAfter, step.gradNorm, step.clipScale, step.clippedNorm];
      const now = (["grad", "m", "v", "update"] as const).map((key) => step.params.map((p) => p[key]));
      // The session's own weights and moments are the step's "before": every read starts here, before any await,
      // so a run in progress cannot change them first (the step itself changed only the copies).
      const before = namedParams(this.params).map(({variable}) => variable);
      const [seenRead, streamRead, [lossBefore, lossAfter, norm, clipScale, clippedNorm], arrays] = await Promise.all([
        readTensors({logits: stream.logits, losses: stream.losses}),
        readTensors(stream.grads),
        Promise.all(scalars.map(toNumber)),
        Promise.all([before, this.state.m, this.state.v, ...now, [...copies.values()]].map(readAll))
      ]);
      const [wPrev, mPrev, vPrev, grad, m, v, update, after] = arrays;
      read = {loss: lossBefore, lossAfter, gradNorm: norm, clipScale};
      const tensors = step.params.map(({name, decay}, i): TensorStep => ({
        ...{name, shape: copies.get(name)!.shape, decay, before: wPrev[i], grad: grad[i]},
        ...{mPrev: mPrev[i], vPrev: vPrev[i], m: m[i], v: v[i], update: update[i], after: after[i]}
      }));
      const y = step.batch.y;
      const losses = (seenRead.losses as number[][]).map((row, b) =>
        row.map((l, t) => (y[b][t] === IGNORE_INDEX ? NaN : l))
      );
      return {
        ...{t: step.step, draw, B, T, x: step.batch.x, y, logits: seenRead.logits as number[][][], losses},
        supervised: y.flat().filter((id) => id !== IGNORE_INDEX).length,
        ...{loss: lossBefore, lossAfter, gradNorm: norm, clipScale, clippedNorm, bc1, bc2, eps: opt.options.eps},
        ...{hyper: {...hyper}, stream: streamRead as number[][][][], tensors}
      };
    } finally {
      tf.dispose([stream.logits, stream.losses, stream.loss, ...stream.grads, loss, gradNorm]);
      disposeInspection(step);
      opt.dispose();
      disposeParams(params);
      const tensorsAfter = tf.memory().numTensors;
      expose("step", {...read, t: step.step, draw, B, T, tensorsBefore, tensorsAfter, ms: performance.now() - start});
    }
  }

  /** n more updates of the session's own weights, on the next batches of the corpus; one run at a time. */
  async run(n: number, hyper: Hyper): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    this.notify();
    const tensorsBefore = tf.memory().numTensors;
    const opt = this.optimizer(this.params, hyper);
    try {
      for (let i = 0; i < n && !this.disposed; i++) {
        const batch = this.data.batch("train", opt.step, hyper.batchSize);
        const {loss, gradNorm} = trainStep(this.params, opt, batch, {lr: hyper.lr, clip: hyper.clip});
        const value = await toNumber(loss);
        tf.dispose([loss, gradNorm]);
        if (this.disposed) break;
        this.losses.push(value);
        this.notify();
      }
      if (!this.disposed) {
        opt.m.forEach((m, i) => this.state.m[i].assign(m));
        opt.v.forEach((v, i) => this.state.v[i].assign(v));
        this.state.step = opt.step;
      }
    } finally {
      opt.dispose();
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
    this.state.dispose();
    disposeParams(this.params);
  }
}
