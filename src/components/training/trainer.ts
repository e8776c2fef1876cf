// Chapter 8's training: the library's TrainingSession (gpt/session.ts) on the page's backend, with what the page shows
// of it (the history for the charts, held-out accuracy and samples along the way) and what keeps the work safe: a
// snapshot of the model on the CPU (at every evaluation, every 30 s, once paused and at the end of a run) that
// autosave stores and that rebuilds the model when the device is lost; save and load of checkpoints.
//
// Test hook window.__tinygpt.run (the over-fitting demonstration's: .overfit): {status, step, losses, valLosses, accuracy, memory, probe, message, copied}, where
// memory lists tf.memory().numTensors after each evaluation, probe is the loss on one fixed val batch (after a run or
// a load) and copied the step of the latest snapshot.
import * as tf from "@tinygpt/tf";
import {onBackendLost, type BackendStatus} from "../../gpt/backend.js";
import {CheckpointError, loadCheckpoint} from "../../gpt/checkpoint.js";
import type {GPTConfig} from "../../gpt/config.js";
import {memoryProblem} from "../../gpt/limits.js";
import {disposeParams, initParams} from "../../gpt/params.js";
import {snapshotBytes, TrainingSession, type Snapshot} from "../../gpt/session.js";
import {expose} from "../page/testHooks.js";
import {heldOutAccuracy, trainingSample} from "./probes.js";
import {defaultRecipe, recipePlan, type RunPlan} from "./runSettings.js";
import {fileName, fitProblem, type TrainData} from "./trainData.js";
import {emptyState, finished, record, speed, upTo, type AccuracyPoint, type Status} from "./trainState.js";
import type {TrainState} from "./trainState.js";

/** window.__tinygpt.run: what the browser tests read of the training (see the top of this file). */
export interface RunHook {
  status: Status;
  step: number;
  losses: number[];
  valLosses: number[];
  accuracy: AccuracyPoint[];
  memory: {step: number; numTensors: number}[];
  probe: number | null;
  message: string | null;
  copied: number | null;
}

declare module "../page/testHooks.js" {
  interface TestHooks {
    run?: RunHook;
    overfit?: RunHook; // chapter 8's over-fitting demonstration
  }
}

expose("tf", tf);

const SNAPSHOT_EVERY_MS = 30_000;
const PUBLISH_EVERY_MS = 200;

/** Why a snapshot was taken: a new model ("initial"), a run's progress (an evaluation, 30 s), a pause, its end. */
export type SnapshotReason = "initial" | "progress" | "paused" | "end";

/** A checkpoint's bytes and the file name it is offered under. */
export interface Saved {
  bytes: Uint8Array;
  name: string;
  step: number;
}

/** Wall-clock time, less the time spent paused. */
class Stopwatch {
  private start = performance.now();
  private pausedAt: number | null = null;
  private pausedFor = 0;

  pause(): void {
    this.pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.pausedAt !== null) this.pausedFor += performance.now() - this.pausedAt;
    this.pausedAt = null;
  }

  get seconds(): number {
    return (performance.now() - this.start - this.pausedFor) / 1000;
  }
}

export class Trainer {
  private session: TrainingSession;
  private plan: RunPlan;
  private state: TrainState;
  private latest: Snapshot | null = null; // the latest snapshot of the current session's model
  private stopwatch = new Stopwatch();
  private readonly stateListeners = new Set<(state: TrainState) => void>();
  private readonly snapshotListeners = new Set<(snapshot: Snapshot, why: SnapshotReason) => void>();
  private readonly endListeners = new Set<(state: TrainState) => void>();
  private publishedAt = 0;
  private disposed = false;
  private readonly unwatch = onBackendLost((status, lost) => this.rebuild(status, lost));

  constructor(
    readonly data: TrainData,
    config: GPTConfig,
    readonly seed: number,
    plan: RunPlan = recipePlan(defaultRecipe(data.addition !== null)),
    private readonly hookName: "run" | "overfit" = "run"
  ) {
    this.plan = plan;
    this.session = this.fresh(config);
    this.state = emptyState(data, `fresh weights from seed ${seed}`);
    void this.takeSnapshot("initial");
  }

  private fresh(config: GPTConfig): TrainingSession {
    const {data, seed, plan} = this;
    return new TrainingSession({params: initParams(config, seed), data: data.dataset, settings: plan.settings, seed});
  }

  /** Calls fn with the state now and after every change (at most every 200 ms while training); returns the unsubscriber. */
  subscribe(fn: (state: TrainState) => void): () => void {
    this.stateListeners.add(fn);
    fn({...this.state});
    return () => this.stateListeners.delete(fn);
  }

  /** Calls fn with every new snapshot of the model (autosave stores some); returns the unsubscriber. */
  onSnapshot(fn: (snapshot: Snapshot, why: SnapshotReason) => void): () => void {
    this.snapshotListeners.add(fn);
    return () => this.snapshotListeners.delete(fn);
  }

  /** Calls fn with the state each time a run ends (finished, stopped or failed); returns the unsubscriber. */
  onRunEnd(fn: (state: TrainState) => void): () => void {
    this.endListeners.add(fn);
    return () => this.endListeners.delete(fn);
  }

  private publish(force = false): void {
    const now = performance.now();
    if (!force && now - this.publishedAt < PUBLISH_EVERY_MS) return;
    this.publishedAt = now;
    const state = {...this.state};
    for (const fn of this.stateListeners) fn(state);
    const {status, step, train, val, accuracy, memory, probe, message} = state;
    const [losses, valLosses] = [train.map((p) => p.value), val.map((p) => p.value)];
    const copied = this.latest?.optimizer.step ?? null;
    expose(this.hookName, {status, step, losses, valLosses, accuracy, memory, probe, message, copied});
  }

  private set(fields: Partial<TrainState>): void {
    this.state = {...this.state, ...fields};
    this.publish(true);
  }

  /** Reads the model back into a snapshot and keeps it if the model is still this one; a failed read keeps the last. */
  private async takeSnapshot(why: SnapshotReason): Promise<void> {
    const session = this.session;
    try {
      const snapshot = await session.snapshot();
      if (this.disposed || this.session !== session) return;
      this.latest = snapshot;
      for (const fn of this.snapshotListeners) fn(snapshot, why);
      this.publish(why !== "progress");
    } catch {
      // a lost device fails its reads: the previous snapshot stands
    }
  }

  /** The settings the next start uses. */
  configure(plan: RunPlan): void {
    this.plan = plan;
    if (!this.session.running) this.set({steps: plan.settings.steps});
  }

  start(): void {
    const {session, plan} = this;
    if (session.running || this.disposed) return;
    const tooBig = memoryProblem(session.config, plan.settings.batchSize);
    if (tooBig) return this.set({message: `Not started: ${tooBig}.`});
    if (session.stepsDone >= plan.settings.steps) {
      return this.set({message: `Already at step ${session.stepsDone}: raise the number of steps to train further.`});
    }
    session.configure(plan.settings);
    void this.loop();
  }

  pause(): void {
    const session = this.session;
    if (!session.running || session.paused) return;
    session.pause();
    this.stopwatch.pause();
    this.set({status: "paused", message: `Paused after step ${session.stepsDone}.`});
    void session.parked?.then(() => (session.paused ? this.takeSnapshot("paused") : undefined));
  }

  resume(): void {
    if (!this.session.paused) return;
    this.stopwatch.resume();
    this.session.resume();
    this.set({status: "running", message: null});
  }

  stop(): void {
    this.session.stop();
  }

  /** Runs the session to the plan's steps, recording every update, evaluating and sampling along the way. */
  private async loop(): Promise<void> {
    const {session, data} = this;
    const {settings, sampleEvery} = this.plan;
    const params = session.params;
    const current = () => !this.disposed && this.session === session;
    const first = session.stepsDone;
    this.stopwatch = new Stopwatch();
    this.set({status: "running", steps: settings.steps, message: null, speed: null, probe: null});
    try {
      for await (const p of session.run()) {
        if (!current()) break;
        let fields = record(this.state, p, speed(p, first, this.stopwatch.seconds));
        const evaluated = p.valLoss !== null;
        if (evaluated && data.addition) {
          fields.accuracy = [...this.state.accuracy, await heldOutAccuracy(params, data, p.step)];
        }
        const due = p.done !== null || p.step % sampleEvery === 0 || p.step === first;
        if (due && this.state.samples.at(-1)?.step !== p.step) {
          fields.samples = [...this.state.samples, await trainingSample(params, data, p.step)].slice(-12);
        }
        if (!current()) break;
        if (evaluated) fields.memory = [...this.state.memory, {step: p.step, numTensors: tf.memory().numTensors}];
        if (p.done) fields = {...fields, ...finished(p)};
        this.state = {...this.state, ...fields};
        this.publish(evaluated || p.done !== null);
        const stale = Date.now() - (this.latest?.at ?? 0) >= SNAPSHOT_EVERY_MS;
        if (evaluated || p.done || stale) await this.takeSnapshot(p.done ? "end" : "progress");
      }
      if (current()) this.set({probe: await this.probe()});
    } catch (error) {
      if (current()) this.set({status: "failed", message: `Training failed: ${(error as Error).message}`});
    } finally {
      if (current()) this.publish(true);
      if (current()) for (const fn of this.endListeners) fn({...this.state});
    }
  }

  /** The loss on one fixed validation batch: the same weights give the same number. */
  private probe(): Promise<number> {
    return this.session.evaluate("val", 1, 8);
  }

  /** The device under the model was lost: the run is stopped and the model rebuilt from the latest snapshot. */
  private rebuild(status: BackendStatus, lost: string): void {
    if (this.disposed) return;
    const reached = this.state.step;
    const old = this.session;
    old.stop();
    try {
      const init = {data: this.data.dataset, settings: this.plan.settings, seed: this.seed};
      this.session = this.latest ? TrainingSession.fromSnapshot(this.latest, init) : this.fresh(old.config);
    } catch (error) {
      const message = `The ${lost} device was lost; the model could not be rebuilt: ${(error as Error).message}`;
      return this.set({status: "failed", message});
    }
    forget(old);
    const kept = this.session.stepsDone;
    const message = `The ${lost} device was lost at step ${reached}; the model from step ${kept} is restored on ${status.active}: Save it, or Start to continue.`;
    this.set({...upTo(this.state, kept), status: "stopped", step: kept, probe: null, message});
  }

  /** The model and AdamW's state as safetensors bytes, with a file name; a paused run is saved once it has parked. */
  async save(): Promise<Saved> {
    if (this.session.running && !this.session.paused) throw new Error("pause or stop training first");
    await this.session.parked;
    return this.checkpoint(await this.session.snapshot());
  }

  /** A snapshot as a checkpoint, like save()'s, without touching the model (autosave's). */
  checkpoint(snapshot: Snapshot): Saved {
    const step = snapshot.optimizer.step;
    const bytes = snapshotBytes(snapshot, this.data.dataset.tokenizer, this.trainingRecord(step));
    return {bytes, name: fileName(this.data.label, step), step};
  }

  /** What the checkpoint says about its training (as tinygpt train's): the data, then the run's settings. */
  private trainingRecord(steps: number): Record<string, unknown> {
    const {batchSize: batch, lr, schedule, warmup, minLr, clip, weightDecay, beta2} = this.plan.settings;
    const tokenizer = this.data.tokenizer?.startsWith("bpe:") ? {tokenizer: this.data.tokenizer} : {};
    return {
      data: this.data.describe,
      ...tokenizer,
      steps,
      batch,
      lr,
      schedule,
      warmup,
      minLr,
      clip,
      seed: this.seed,
      weightDecay,
      beta2
    };
  }

  /** Replaces the model by a checkpoint's, if it fits this data; otherwise throws and keeps the current one. */
  async load(bytes: Uint8Array, origin: string): Promise<void> {
    if (this.session.running) throw new Error("stop training before loading a model");
    const checkpoint = loadCheckpoint(bytes);
    let session: TrainingSession;
    try {
      const problem = fitProblem(checkpoint, this.data);
      if (problem) throw new CheckpointError(problem);
      const init = {data: this.data.dataset, settings: this.plan.settings, seed: this.seed};
      session = TrainingSession.fromCheckpoint(checkpoint, init);
    } catch (error) {
      disposeParams(checkpoint.params);
      throw error;
    }
    this.session.dispose();
    [this.session, this.latest] = [session, null];
    void this.takeSnapshot("initial");
    const step = session.stepsDone;
    const note = step === 0 ? " (no optimizer state in it: training starts its schedule again)" : "";
    this.state = {...emptyState(this.data, `loaded from ${origin}`), step, steps: this.plan.settings.steps};
    this.set({status: "ready", message: `Loaded ${origin} at step ${step}${note}.`});
    this.set({probe: await this.probe()});
  }

  /** Frees the model (at once, or when the running loop lets go). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stateListeners.clear();
    this.snapshotListeners.clear();
    this.endListeners.clear();
    this.unwatch();
    this.session.dispose();
  }
}

/** Frees a session whose tensors may live on a backend that is gone: what cannot be freed is dropped with it. */
function forget(session: TrainingSession): void {
  try {
    session.dispose();
  } catch {
    // the lost backend's memory went with its device
  }
}
