// The training loop as an async generator: one Progress per step; pause, resume and stop through a RunControl.
import * as tf from "@tinygpt/tf";
import type {Dataset} from "./data/corpus.js";
import {estimateLoss} from "./evaluate.js";
import type {AdamW} from "./optim.js";
import {type Params} from "./params.js";
import {hashString} from "./random.js";
import {learningRate, type Schedule} from "./schedule.js";
import {Guard, trainStep} from "./step.js";

export interface TrainOptions {
  steps: number; // the run's total updates; training goes from optimizer.step to steps
  batchSize: number;
  schedule: Schedule;
  clip: number | null; // max global gradient norm; null: no clipping
  seed: number; // dropout masks of step i come from (seed, i); batches from the dataset's own seed
  evalEvery: number; // val loss every evalEvery steps, at the first and at the last step (0: first and last only)
  evalIters: number; // val batches per estimate
  logEvery: number; // read the train loss and gradient norm back every logEvery steps (and at the last)
}

export type StopReason = "finished" | "stopped" | "nonfinite";

export interface Progress {
  step: number; // updates applied so far
  steps: number; // the run's total
  lr: number; // learning rate of the last update
  loss: number | null; // train loss of the last update, on read steps (logEvery)
  gradNorm: number | null; // its global gradient norm before clipping, on read steps
  valLoss: number | null; // on evaluation steps
  tokensPerSecond: number; // training throughput so far (evaluations and pauses excluded)
  seconds: number; // time spent training so far
  done: {reason: StopReason; message: string} | null; // on the last Progress only
}

/** Pause, resume and stop a run from outside (a button, a signal); the loop checks between steps. */
export class RunControl {
  private resumed: (() => void) | null = null;
  private gate: Promise<void> | null = null;
  stopped = false;

  get paused(): boolean {
    return this.gate !== null;
  }
  pause(): void {
    this.gate ??= new Promise((resolve) => (this.resumed = resolve));
  }
  resume(): void {
    this.resumed?.();
    this.gate = this.resumed = null;
  }
  stop(): void {
    this.stopped = true;
    this.resume();
  }
  /** Resolves at once unless paused; then when resumed or stopped. */
  wait(): Promise<void> {
    return this.gate ?? Promise.resolve();
  }
}

/** The dropout seed of step i of a run. */
export const dropoutSeed = (seed: number, step: number): number => hashString(`${seed}:dropout:${step}`);

/**
 * Trains params with optimizer on data from optimizer.step up to options.steps, yielding a Progress after every
 * step (and one before the first, with the initial val loss). A loss or gradient norm that is not finite stops the
 * run at that step: the weights and the optimizer are left as they were after the last finite step.
 */
export async function* train(
  params: Params,
  optimizer: AdamW,
  data: Dataset,
  options: TrainOptions,
  control = new RunControl()
): AsyncGenerator<Progress> {
  const {steps, batchSize: B, schedule, clip, seed, evalEvery, evalIters, logEvery} = options;
  const guard = new Guard();
  const tokensPerStep = B * data.blockSize;
  const start = optimizer.step;
  let seconds = 0;
  let lr = learningRate(Math.max(start - 1, 0), schedule);
  const progress = (fields: Partial<Progress>): Progress => {
    const tokensPerSecond = seconds > 0 ? ((optimizer.step - start) * tokensPerStep) / seconds : 0;
    const base = {step: optimizer.step, steps, lr, loss: null, gradNorm: null, valLoss: null, done: null};
    return {...base, tokensPerSecond, seconds, ...fields};
  };
  const valLoss = () => estimateLoss(params, data, "val", B, evalIters);
  try {
    if (start >= steps) yield progress({done: {reason: "finished", message: `already at step ${start}`}});
    else yield progress({valLoss: await valLoss()});
    while (optimizer.step < steps) {
      await control.wait();
      if (control.stopped) {
        yield progress({done: {reason: "stopped", message: `stopped at step ${optimizer.step}`}});
        return;
      }
      const i = optimizer.step;
      const t0 = performance.now();
      lr = learningRate(i, schedule);
      const batch = data.batch("train", i, B);
      const {loss, gradNorm} = trainStep(params, optimizer, batch, {lr, clip, seed: dropoutSeed(seed, i), guard});
      const last = optimizer.step === steps;
      const read = last || optimizer.step % logEvery === 0;
      const fields: Partial<Progress> = {};
      if (read) {
        [fields.loss, fields.gradNorm] = [(await loss.data())[0], (await gradNorm.data())[0]];
        const failedAt = await guard.read();
        if (failedAt !== null) {
          optimizer.step = failedAt;
          const message = `the loss or the gradient norm is not finite at step ${failedAt + 1}: stopped, keeping the weights after step ${failedAt}`;
          tf.dispose([loss, gradNorm]);
          yield progress({...fields, done: {reason: "nonfinite", message}});
          return;
        }
      }
      tf.dispose([loss, gradNorm]);
      seconds += (performance.now() - t0) / 1000;
      if (last || (evalEvery > 0 && optimizer.step % evalEvery === 0)) fields.valLoss = await valLoss();
      if (last) fields.done = {reason: "finished", message: `trained to step ${steps}`};
      yield progress(fields);
      if (read) await new Promise((resolve) => setTimeout(resolve, 0)); // let timers, events and signals run
    }
  } finally {
    guard.dispose();
  }
}
