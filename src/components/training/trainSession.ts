// Chapter 8's model in training: the library's TrainingSession (gpt/session.ts) on the page's backend, with a
// history for the charts, samples every few steps, and save/load of the weights with AdamW's state. A snapshot of the
// model (weights and AdamW's state on the CPU) is read back at every evaluation, every 30 s, at the end of a run and
// once paused: autosave stores some, and if the WebGPU device is lost, the model is rebuilt from the latest.
//
// Test hooks (window.__tinygpt.run, see testHooks.ts): {status, step, losses, valLosses, exact, memory, probe,
// message, copied}, where memory lists tf.memory().numTensors after each evaluation, probe is the loss on one fixed
// val batch and copied the step of the latest snapshot.
import * as tf from "@tinygpt/tf";
import {onBackendLost, type BackendStatus} from "../../gpt/backend.js";
import {CheckpointError, loadCheckpoint} from "../../gpt/checkpoint.js";
import type {GPTConfig} from "../../gpt/config.js";
import {memoryProblem} from "../../gpt/limits.js";
import {disposeParams, initParams} from "../../gpt/params.js";
import {snapshotBytes, TrainingSession, type Snapshot} from "../../gpt/session.js";
import {expose} from "../page/testHooks.js";
import {heldOutAccuracy, trainingSample} from "./probes.js";
import {fileName, fitProblem, type TrainData} from "./trainData.js";
import {RUN_DEFAULTS, trainSettings, type RunSettings} from "./trainSetup.js";
import {emptyState, finished, record, upTo, type TrainState} from "./trainState.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    run?: Record<string, unknown>;
  }
}

expose("tf", tf);

const COPY_EVERY_MS = 30_000;

/** Why a snapshot was taken: "end" (a run finished, stopped or failed), "paused", or "progress" (an evaluation, 30 s). */
export type CopyReason = "initial" | "progress" | "paused" | "end";

export interface Saved {
  bytes: Uint8Array;
  name: string;
  step: number;
}

export class TrainSession {
  config: GPTConfig;
  private model: TrainingSession;
  private settings: RunSettings = RUN_DEFAULTS;
  private state: TrainState;
  private latest: Snapshot | null = null; // the latest snapshot of this model
  private readonly copyListeners = new Set<(copy: Snapshot, why: CopyReason) => void>();
  private readonly listeners = new Set<(s: TrainState) => void>();
  private published = 0;
  private pausedAt = 0;
  private pausedFor = 0;
  private disposed = false;
  private readonly unwatch = onBackendLost((status, lost) => this.restore(status, lost));

  constructor(
    readonly run: TrainData,
    config: GPTConfig,
    readonly seed: number
  ) {
    this.config = config;
    this.model = this.fresh(config);
    this.state = emptyState(run, `fresh weights from seed ${seed}`);
    void this.takeCopy("initial");
  }

  private fresh(config: GPTConfig): TrainingSession {
    const {run, seed} = this;
    return new TrainingSession({params: initParams(config, seed), data: run.data, settings: this.training(), seed});
  }

  /** The library's settings for the reader's. */
  private training() {
    return trainSettings(this.settings);
  }

  /** Calls fn with the state now and after every change (at most every 200 ms while training); returns the unsubscriber. */
  subscribe(fn: (s: TrainState) => void): () => void {
    this.listeners.add(fn);
    fn({...this.state});
    return () => this.listeners.delete(fn);
  }

  /** Calls fn with every new snapshot of the model (autosave stores some); returns the unsubscriber. */
  onCopy(fn: (copy: Snapshot, why: CopyReason) => void): () => void {
    this.copyListeners.add(fn);
    return () => this.copyListeners.delete(fn);
  }

  private publish(force = false): void {
    const now = performance.now();
    if (!force && now - this.published < 200) return;
    this.published = now;
    const snapshot = {...this.state};
    for (const fn of this.listeners) fn(snapshot);
    const {status, step, train, val, accuracy, memory, probe, message} = this.state;
    const [losses, valLosses, copied] = [
      train.map((p) => p.value),
      val.map((p) => p.value),
      this.latest?.optimizer.step
    ];
    expose("run", {status, step, losses, valLosses, accuracy, memory, probe, message, copied: copied ?? null});
  }

  private set(fields: Partial<TrainState>, force = true): void {
    this.state = {...this.state, ...fields};
    this.publish(force);
  }

  /** Reads the model back into a snapshot and keeps it if the model is still this one; a failed read keeps the last. */
  private async takeCopy(why: CopyReason): Promise<void> {
    const model = this.model;
    try {
      const copy = await model.snapshot();
      if (this.disposed || this.model !== model) return;
      this.latest = copy;
      for (const fn of this.copyListeners) fn(copy, why);
      this.publish(why !== "progress");
    } catch {
      // a lost device fails its reads: the previous snapshot stands
    }
  }

  /** The settings the next start uses. */
  configure(settings: RunSettings): void {
    this.settings = settings;
    if (!this.model.running) this.set({steps: settings.steps});
  }

  start(): void {
    if (this.model.running || this.disposed) return;
    const tooBig = memoryProblem(this.config, this.settings.batchSize);
    if (tooBig) {
      this.set({message: `Not started: ${tooBig}.`});
      return;
    }
    if (this.model.stepsDone >= this.settings.steps) {
      this.set({message: `Already at step ${this.model.stepsDone}: raise the number of steps to train further.`});
      return;
    }
    this.model.configure(this.training());
    void this.loop(this.settings);
  }

  pause(): void {
    const model = this.model;
    if (!model.running || model.paused) return;
    model.pause();
    this.pausedAt = performance.now();
    this.set({status: "paused", message: `Paused after step ${model.stepsDone}.`});
    void model.parked?.then(() => (model.paused ? this.takeCopy("paused") : undefined));
  }

  resume(): void {
    if (!this.model.paused) return;
    this.pausedFor += performance.now() - this.pausedAt;
    this.model.resume();
    this.set({status: "running", message: null});
  }

  stop(): void {
    this.model.stop();
  }

  private async loop(s: RunSettings): Promise<void> {
    const {model, run} = this;
    const params = model.params;
    const current = () => !this.disposed && this.model === model;
    const [startStep, t0] = [model.stepsDone, performance.now()];
    this.pausedFor = 0;
    this.set({status: "running", steps: s.steps, message: null, speed: null, probe: null});
    try {
      for await (const p of model.run()) {
        if (!current()) break;
        const wall = (performance.now() - t0 - this.pausedFor) / 1000;
        const rate = wall > 0 ? (p.step - startStep) / wall : 0;
        const eta = rate > 0 ? (s.steps - p.step) / rate : null;
        let fields = record(this.state, p, {stepsPerSecond: rate, tokensPerSecond: p.tokensPerSecond, etaSeconds: eta});
        const evaluated = p.valLoss !== null;
        if (evaluated && run.addition)
          fields.accuracy = [...this.state.accuracy, await heldOutAccuracy(params, run, p.step)];
        const sampled = this.state.samples.at(-1)?.step === p.step;
        if (!sampled && (p.done || p.step % Math.max(1, s.sampleEvery) === 0 || p.step === startStep)) {
          fields.samples = [...this.state.samples, await trainingSample(params, run, p.step)].slice(-12);
        }
        if (!current()) break;
        if (evaluated) fields.memory = [...this.state.memory, {step: p.step, numTensors: tf.memory().numTensors}];
        if (p.done) fields = {...fields, ...finished(p)};
        this.state = {...this.state, ...fields};
        this.publish(evaluated || p.done !== null);
        if (evaluated || p.done || Date.now() - (this.latest?.at ?? 0) >= COPY_EVERY_MS)
          await this.takeCopy(p.done ? "end" : "progress");
      }
      if (current()) this.set({probe: await this.probe()});
    } catch (error) {
      if (current()) this.set({status: "failed", message: `Training failed: ${(error as Error).message}`});
    } finally {
      if (current()) this.publish(true);
    }
  }

  /** The loss on one fixed validation batch: the same weights give the same number. */
  private probe(): Promise<number> {
    return this.model.evaluate("val", 1, 8);
  }

  /** The device under the model was lost: the run is stopped and the model rebuilt from the latest snapshot. */
  private restore(status: BackendStatus, lost: string): void {
    if (this.disposed) return;
    const reached = this.state.step;
    const old = this.model;
    old.stop();
    let kept: number;
    try {
      const init = {data: this.run.data, settings: this.training(), seed: this.seed};
      const usable = this.latest?.config === this.config ? this.latest : null;
      this.model = usable ? TrainingSession.fromSnapshot(usable, init) : this.fresh(this.config);
      kept = this.model.stepsDone;
    } catch (error) {
      const message = `The ${lost} device was lost; the model could not be rebuilt: ${(error as Error).message}`;
      return this.set({status: "failed", message});
    }
    forget(old);
    const message = `The ${lost} device was lost at step ${reached}; the model from step ${kept} is restored on ${status.active}: Save it, or Start to continue.`;
    this.set({...upTo(this.state, kept), status: "stopped", step: kept, probe: null, message});
  }

  /** The model and AdamW's state as safetensors bytes, with a file name; a paused run is saved once it has parked. */
  async save(): Promise<Saved> {
    if (this.model.running && !this.model.paused) throw new Error("pause or stop training first");
    await this.model.parked;
    return this.copyBytes(await this.model.snapshot());
  }

  /** A snapshot as a checkpoint, like save()'s (autosave: the loop is not touched). */
  copyBytes(copy: Snapshot): Saved {
    const step = copy.optimizer.step;
    const bytes = snapshotBytes(copy, this.run.data.tokenizer, this.record(step));
    return {bytes, name: fileName(this.run.label, step), step};
  }

  private record(steps: number): Record<string, unknown> {
    const {batchSize: batch, lr, schedule, warmup, weightDecay, beta2, clip} = this.settings;
    return {data: this.run.describe, steps, batch, lr, schedule, warmup, weightDecay, beta2, clip, seed: this.seed};
  }

  /** Replaces the model by a checkpoint's, if it fits this data; otherwise throws and keeps the current one. */
  async load(bytes: Uint8Array, origin: string): Promise<void> {
    if (this.model.running) throw new Error("stop training before loading a model");
    const checkpoint = loadCheckpoint(bytes);
    const problem = fitProblem(checkpoint, this.run);
    let model: TrainingSession;
    try {
      if (problem) throw new CheckpointError(problem);
      model = TrainingSession.fromCheckpoint(checkpoint, {
        data: this.run.data,
        settings: this.training(),
        seed: this.seed
      });
    } catch (error) {
      disposeParams(checkpoint.params);
      throw error;
    }
    this.model.dispose();
    [this.model, this.config, this.latest] = [model, checkpoint.config, null];
    void this.takeCopy("initial");
    const step = model.stepsDone;
    const note = step === 0 ? " (no optimizer state in it: training starts its schedule again)" : "";
    this.state = {...emptyState(this.run, `loaded from ${origin}`), step, steps: this.settings.steps};
    this.set({status: "ready", message: `Loaded ${origin} at step ${step}${note}.`});
    this.set({probe: await this.probe()});
  }

  /** Frees the model (at once, or when the running loop lets go). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    this.copyListeners.clear();
    this.unwatch();
    this.model.dispose();
  }
}

/** Frees a session whose tensors may live on a backend that is gone: what cannot be freed is dropped with it. */
function forget(model: TrainingSession): void {
  try {
    model.dispose();
  } catch {
    // the lost backend's memory went with its device
  }
}
