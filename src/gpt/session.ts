// A training session: a model's weights, its AdamW, its data and its settings, trained one update at a time, a whole
// run at a time (paused, resumed, stopped), or one update taken apart (inspectStep). Chapter 7's stepper, chapter 8,
// tinygpt train and the bench all drive one.
import * as tf from "@tinygpt/tf";
import {encodeCheckpoint} from "./checkpoint.js";
import {momentsExtra, optimizerRecord, readOptimizer, type OptimizerRecord} from "./checkpointOptim.js";
import type {Checkpoint} from "./checkpoint.js";
import type {GPTConfig} from "./config.js";
import {RunControl} from "./control.js";
import type {Batch, Dataset, Split} from "./data/corpus.js";
import {estimateLoss} from "./evaluate.js";
import {inspectUpdate, type StepInspection} from "./inspection.js";
import {AdamW, type AdamWState, type ParamGroups} from "./optim.js";
import type {NamedParam} from "./params.js";
import {assembleParams, disposeParams, namedParams, paramSpecs, toVariable, type Params} from "./params.js";
import {hashString} from "./random.js";
import {checkTrainSettings, updateSettings, type TrainSettings} from "./recipes.js";
import {Guard, trainStep} from "./step.js";

export type StopReason = "finished" | "stopped" | "nonfinite";

/** What a run reports after every update (and once before the first). */
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

/** A session's model and optimizer read back to the CPU: enough to rebuild it on any backend, or to save it. */
export interface Snapshot {
  config: GPTConfig;
  weights: Float32Array[]; // every weight, in state_dict order (namedParams), each in its variable's layout
  extra: Float32Array[]; // the weights trained beside the model's (SessionInit.extra), in their order
  optimizer: AdamWState; // over the trained weights
  record: OptimizerRecord; // the settings and groups a checkpoint records
  at: number; // Date.now() when it was read
}

export interface SessionInit {
  params: Params; // the session owns them from now on: dispose() frees them
  data: Dataset;
  settings: TrainSettings;
  seed: number; // the dropout masks: update i's come from (seed, i)
  groups?: ParamGroups; // which weights train and which decay (default: every weight; embeddings decay too)
  extra?: readonly NamedParam[]; // weights outside the model that train too (adapters); the caller owns them
  state?: AdamWState; // the optimizer's state to start from (default: step 0, zero moments)
}

/** The dropout seed of micro-batch i of a run (update i when each update is one batch). */
export const dropoutSeed = (seed: number, i: number): number => hashString(`${seed}:dropout:${i}`);

/** How far inspectStep's draw n > 0 moves the batch: far from any batch a run would take. */
const DRAW_STRIDE = 1_000_003;

export class TrainingSession {
  readonly params: Params;
  readonly optimizer: AdamW;
  readonly data: Dataset;
  readonly seed: number;
  private current: TrainSettings;
  private readonly frozen: string[];
  private readonly extra: readonly NamedParam[];
  private tail: Promise<void> = Promise.resolve(); // the last operation queued
  private busy = 0; // operations queued or running
  private control: RunControl | null = null;
  private disposed = false;

  constructor({params, data, settings, seed, groups = {}, state, extra = []}: SessionInit) {
    checkTrainSettings(settings);
    this.optimizer = new AdamW([...namedParams(params), ...extra], groups);
    if (state) this.optimizer.restore(state);
    [this.params, this.data, this.seed, this.current] = [params, data, seed, {...settings}];
    this.frozen = [...(groups.frozen ?? [])];
    this.extra = extra;
  }

  /**
   * A session from a checkpoint's model and, when it has one, its optimizer state; the settings' β, ε and λ then
   * come from the checkpoint. Takes ownership of checkpoint.params.
   */
  static fromCheckpoint(checkpoint: Checkpoint, init: Omit<SessionInit, "params" | "state" | "groups">) {
    const saved = readOptimizer(checkpoint);
    const {decayEmbeddings = true, frozen, ...fields} = saved?.record ?? {};
    const settings = {...init.settings, ...fields};
    const groups = {decayEmbeddings, frozen};
    return new TrainingSession({...init, params: checkpoint.params, settings, groups, state: saved?.state});
  }

  /** A session rebuilt from a snapshot on the active backend (another device, after the last one was lost). */
  static fromSnapshot(snapshot: Snapshot, init: Omit<SessionInit, "params" | "state" | "groups">) {
    const {config, weights, extra, optimizer, record} = snapshot;
    if (extra.length) throw new Error("a snapshot with weights outside the model cannot be rebuilt on its own");
    const variables = new Map<string, tf.Variable>();
    paramSpecs(config).forEach(({name, shape}, i) => variables.set(name, toVariable(tf.tensor(weights[i], shape))));
    const params = assembleParams(config, (name) => variables.get(name) ?? null);
    const {decayEmbeddings, frozen, ...fields} = record;
    try {
      const settings = {...init.settings, ...fields};
      return new TrainingSession({...init, params, settings, groups: {decayEmbeddings, frozen}, state: optimizer});
    } catch (error) {
      disposeParams(params);
      throw error;
    }
  }

  get config(): GPTConfig {
    return this.params.config;
  }

  /** Updates applied so far. */
  get stepsDone(): number {
    return this.optimizer.step;
  }

  get settings(): Readonly<TrainSettings> {
    return this.current;
  }

  /** Changes settings; they apply from the next update on. Throws, naming the field, for an invalid one. */
  configure(changes: Partial<TrainSettings>): void {
    const next = {...this.current, ...changes};
    checkTrainSettings(next);
    this.current = next;
  }

  /** The micro-batches of update i (draw > 0: other batches, for looking at, never trained on by a run). */
  batches(i: number, draw = 0): Batch[] {
    const {batchSize, gradAccum: k} = this.current;
    return Array.from({length: k}, (_, j) => this.data.batch("train", (i + DRAW_STRIDE * draw) * k + j, batchSize));
  }

  /** One update, on the device, reading nothing back; the caller disposes loss and gradNorm. */
  private update(guard?: Guard): {loss: tf.Scalar; gradNorm: tf.Scalar; lr: number} {
    const i = this.optimizer.step;
    const {clip, gradAccum: k} = this.current;
    const settings = updateSettings(this.current, i);
    const seeds = Array.from({length: k}, (_, j) => dropoutSeed(this.seed, i * k + j));
    return {
      ...trainStep(this.params, this.optimizer, this.batches(i), settings, {clip, seeds, guard}),
      lr: settings.lr
    };
  }

  /** Waits until every earlier operation has finished; the returned function lets the next one go. */
  private async acquire(): Promise<() => void> {
    this.busy++;
    let next!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (next = resolve));
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      next();
      if (--this.busy === 0 && this.disposed) this.free();
    };
  }

  /** Runs fn once every earlier operation has finished: one thing changes the model at a time. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      if (this.disposed) throw new Error("this training session was disposed");
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * One update; resolves with its loss and gradient norm (both before the update). A loss or gradient norm that is
   * not finite leaves the weights and the optimizer as they were (a guard decides on the device) and says so.
   */
  step(): Promise<{loss: number; gradNorm: number; lr: number; applied: boolean}> {
    return this.exclusive(async () => {
      const guard = new Guard();
      const {loss, gradNorm, lr} = this.update(guard);
      try {
        const [l, n] = await Promise.all([loss.data(), gradNorm.data()]);
        const applied = Number.isFinite(l[0]) && Number.isFinite(n[0]);
        if (!applied) this.optimizer.rewind(this.optimizer.step - 1);
        return {loss: l[0], gradNorm: n[0], lr, applied};
      } finally {
        tf.dispose([loss, gradNorm]);
        guard.dispose();
      }
    });
  }

  /**
   * The next update taken apart (StepInspection): computed once, read back. With commit false (the default) the
   * weights and the optimizer are put back as they were, so that settings can change and the step be taken again.
   * draw > 0 looks at other batches than the one training takes next.
   */
  inspectStep({draw = 0, commit = false}: {draw?: number; commit?: boolean} = {}): Promise<StepInspection> {
    return this.exclusive(async () => {
      const before = await this.snapshot();
      const i = this.optimizer.step;
      const {clip, gradAccum: k} = this.current;
      const seeds = Array.from({length: k}, (_, j) => dropoutSeed(this.seed, (i + DRAW_STRIDE * draw) * k + j));
      const trained = this.trainedIndices();
      const all = [...before.weights, ...before.extra];
      const weights = trained.map((n) => all[n]);
      const {m, v} = before.optimizer;
      try {
        return await inspectUpdate(
          this.params,
          this.optimizer,
          this.batches(i, draw),
          updateSettings(this.current, i),
          {
            ...{clip, seeds},
            before: {weights, m, v}
          }
        );
      } finally {
        if (!commit) this.put(before);
      }
    });
  }

  /** Every weight: the model's, in state_dict order, then the extra ones. */
  private allWeights(): NamedParam[] {
    return [...namedParams(this.params), ...this.extra];
  }

  /** Positions in allWeights() of the weights the optimizer trains. */
  private trainedIndices(): number[] {
    const names = this.allWeights().map(({name}) => name);
    return this.optimizer.params.map(({name}) => names.indexOf(name));
  }

  /** Mean loss over `iters` fixed batches of a split (the same batches every call), without dropout. */
  evaluate(split: Split, iters = this.current.evalIters, B = this.current.batchSize): Promise<number> {
    return estimateLoss(this.params, this.data, split, B, iters);
  }

  /**
   * Trains up to settings.steps, yielding a Progress after every update (and one before the first, with the initial
   * val loss). pause(), resume() and stop() act on it between two updates. A loss or gradient norm that is not finite
   * stops the run at that update: the weights and the optimizer are left as they were after the last finite one.
   */
  async *run(): AsyncGenerator<Progress> {
    const release = await this.acquire();
    const control = (this.control = new RunControl());
    try {
      yield* this.loop(control);
    } finally {
      this.control = null;
      release();
    }
  }

  private async *loop(control: RunControl): AsyncGenerator<Progress> {
    if (this.disposed) throw new Error("this training session was disposed");
    const {steps, batchSize: B, gradAccum: k, evalEvery, logEvery} = this.current;
    const guard = new Guard();
    const start = this.optimizer.step;
    const tokensPerStep = B * k * this.data.blockSize;
    let seconds = 0;
    let lr = updateSettings(this.current, Math.max(start - 1, 0)).lr;
    const progress = (fields: Partial<Progress>): Progress => {
      const done = this.optimizer.step - start;
      const tokensPerSecond = seconds > 0 ? (done * tokensPerStep) / seconds : 0;
      const base = {step: this.optimizer.step, steps, lr, loss: null, gradNorm: null, valLoss: null, done: null};
      return {...base, tokensPerSecond, seconds, ...fields};
    };
    try {
      if (start >= steps) yield progress({done: {reason: "finished", message: `already at step ${start}`}});
      else yield progress({valLoss: await this.evaluate("val")});
      while (this.optimizer.step < steps) {
        await control.wait();
        if (control.stopped || this.disposed) {
          yield progress({done: {reason: "stopped", message: `stopped at step ${this.optimizer.step}`}});
          return;
        }
        const t0 = performance.now();
        const result = this.update(guard);
        lr = result.lr;
        const {loss, gradNorm} = result;
        const last = steps === this.optimizer.step;
        const read = last || this.optimizer.step % logEvery === 0;
        const fields: Partial<Progress> = {};
        if (read) {
          [fields.loss, fields.gradNorm] = [(await loss.data())[0], (await gradNorm.data())[0]];
          const failedAt = await guard.read();
          if (failedAt !== null) {
            this.optimizer.rewind(failedAt);
            const message = `the loss or the gradient norm is not finite at step ${failedAt + 1}: stopped, keeping the weights after step ${failedAt}`;
            tf.dispose([loss, gradNorm]);
            yield progress({...fields, done: {reason: "nonfinite", message}});
            return;
          }
        }
        tf.dispose([loss, gradNorm]);
        seconds += (performance.now() - t0) / 1000;
        if (last || (evalEvery > 0 && this.optimizer.step % evalEvery === 0))
          fields.valLoss = await this.evaluate("val");
        if (last) fields.done = {reason: "finished", message: `trained to step ${steps}`};
        yield progress(fields);
        if (read) await new Promise((resolve) => setTimeout(resolve, 0)); // let timers, events and signals run
      }
    } finally {
      guard.dispose();
    }
  }

  /** Whether a run is going (paused or not). */
  get running(): boolean {
    return this.control !== null;
  }

  get paused(): boolean {
    return this.control?.paused ?? false;
  }

  /** While paused: resolves once the run has stopped between two updates; null otherwise. */
  get parked(): Promise<void> | null {
    return this.control?.parked ?? null;
  }

  /** Pauses the run after the update in progress. */
  pause(): void {
    this.control?.pause();
  }

  resume(): void {
    this.control?.resume();
  }

  /** Ends the run after the update in progress (its last Progress says "stopped"). */
  stop(): void {
    this.control?.stop();
  }

  /**
   * The weights and the optimizer's state read back to the CPU. Every read is issued before the first await, so the
   * snapshot is one update's even while a run goes on.
   */
  async snapshot(): Promise<Snapshot> {
    const reads = this.allWeights().map(({variable}) => variable.data() as Promise<Float32Array>);
    const record = optimizerRecord(this.optimizer, this.current, this.frozen);
    const [all, optimizer] = await Promise.all([Promise.all(reads), this.optimizer.snapshot()]);
    const [weights, extra] = [all.slice(0, all.length - this.extra.length), all.slice(all.length - this.extra.length)];
    const own = (arrays: Float32Array[]) => arrays.map((a) => new Float32Array(a)); // a backend may reuse its memory
    return {config: this.config, weights: own(weights), extra: own(extra), optimizer, record, at: Date.now()};
  }

  /** Puts a snapshot of this session's model back (weights and optimizer state); waits for a running step. */
  restore(snapshot: Snapshot): Promise<void> {
    return this.exclusive(async () => this.put(snapshot));
  }

  private put({config, weights, extra, optimizer}: Snapshot): void {
    if (JSON.stringify(config) !== JSON.stringify(this.config) || extra.length !== this.extra.length) {
      throw new Error("the snapshot is of another model");
    }
    const values = [...weights, ...extra];
    this.allWeights().forEach(({variable}, i) => tf.tidy(() => variable.assign(tf.tensor(values[i], variable.shape))));
    this.optimizer.restore(optimizer);
  }

  /**
   * The model as checkpoint bytes: its weights, tokenizer, optimizer state (unless weightsOnly) and a training
   * record (JSON in the metadata, as given).
   */
  async checkpoint(
    tokenizer: Dataset["tokenizer"] | null,
    training: Record<string, unknown>,
    {weightsOnly = false}: {weightsOnly?: boolean} = {}
  ): Promise<Uint8Array> {
    return snapshotBytes(await this.snapshot(), tokenizer, training, {weightsOnly});
  }

  /** Ends any run and frees the weights and the optimizer's state (at once, or when the operation running ends). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.control?.stop();
    if (this.busy === 0) this.free();
  }

  private free(): void {
    this.optimizer.dispose();
    disposeParams(this.params);
  }
}

/** A snapshot as checkpoint bytes, from its arrays: no tensor is made. (Adapters are saved on their own.) */
export function snapshotBytes(
  {config, weights, extra, optimizer, record}: Snapshot,
  tokenizer: Dataset["tokenizer"] | null,
  training: Record<string, unknown>,
  {weightsOnly = false}: {weightsOnly?: boolean} = {}
): Uint8Array {
  if (extra.length) throw new Error("a session that trains weights outside the model has no checkpoint of its own");
  const specs = paramSpecs(config).filter(({name}) => !record.frozen?.includes(name));
  const moments = weightsOnly ? {tensors: [], metadata: {}} : momentsExtra(specs, optimizer, record);
  const metadata = {...moments.metadata, training: JSON.stringify(training)};
  return encodeCheckpoint(config, weights, tokenizer, {tensors: moments.tensors, metadata});
}
