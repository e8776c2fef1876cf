// Chapter 8's model in training: the library's loop (gpt/train.ts) on the page's backend, with pause, resume and
// stop, a history for the charts, samples every few steps, and save/load of the weights with AdamW's state
// (trainModel.ts). A CPU copy of the weights and AdamW's state is read back at every evaluation, every 30 s, at the
// end of a run and once paused: if the WebGPU device is lost, the run stops and the model is rebuilt from it.
//
// Test hooks (window.__tinygpt.run, see testHooks.ts): {status, step, losses, valLosses, exact, memory, probe,
// message, copied}, where memory lists tf.memory().numTensors after each evaluation, probe is the loss on one fixed
// val batch and copied the step of the latest CPU copy.
import * as tf from "@tinygpt/tf";
import {onBackendLost, type BackendStatus} from "../../gpt/backend.js";
import {memoryProblem} from "../../gpt/limits.js";
import {train} from "../../gpt/train.js";
import {ParkingControl} from "./parkingControl.js";
import {heldOutAccuracy, trainingSample} from "./probes.js";
import {expose} from "../page/testHooks.js";
import {scheduleOf, type RunSettings} from "./trainSetup.js";
import {TrainModel, type CopyReason, type Saved} from "./trainModel.js";
import {emptyState, finished, record, upTo, type TrainState} from "./trainState.js";

export type {CopyReason} from "./trainModel.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    run?: Record<string, unknown>;
  }
}

const COPY_EVERY_MS = 30_000;

export class TrainSession extends TrainModel {
  private control: ParkingControl | null = null;
  private state: TrainState = emptyState(this.run, `fresh weights from seed ${this.seed}`);
  private readonly listeners = new Set<(s: TrainState) => void>();
  private published = 0;
  private pausedAt = 0;
  private pausedFor = 0;
  private readonly unwatch = onBackendLost((status, lost) => this.restore(status, lost));

  /** Calls fn with the state now and after every change (at most every 200 ms while training); returns the unsubscriber. */
  subscribe(fn: (s: TrainState) => void): () => void {
    this.listeners.add(fn);
    fn({...this.state});
    return () => this.listeners.delete(fn);
  }

  private publish(force = false): void {
    const now = performance.now();
    if (!force && now - this.published < 200) return;
    this.published = now;
    const snapshot = {...this.state};
    for (const fn of this.listeners) fn(snapshot);
    const {status, step, train, val, accuracy, memory, probe, message} = this.state;
    const [losses, valLosses, copied] = [train.map((p) => p.value), val.map((p) => p.value), this.copies.latest?.step];
    expose("run", {status, step, losses, valLosses, accuracy, memory, probe, message, copied: copied ?? null});
  }

  private set(fields: Partial<TrainState>, force = true): void {
    this.state = {...this.state, ...fields};
    this.publish(force);
  }

  protected copied(why: CopyReason): void {
    this.publish(why !== "progress");
  }

  /** The settings the next start uses. */
  configure(settings: RunSettings): void {
    this.settings = settings;
    if (this.control === null) this.set({steps: settings.steps});
  }

  start(): void {
    if (this.control || this.disposed) return;
    const tooBig = memoryProblem(this.config, this.settings.batchSize);
    if (tooBig) {
      this.set({message: `Not started: ${tooBig}.`});
      return;
    }
    if (this.optimizer.step >= this.settings.steps) {
      this.set({message: `Already at step ${this.optimizer.step}: raise the number of steps to train further.`});
      return;
    }
    void this.loop(this.settings);
  }

  pause(): void {
    const control = this.control;
    if (!control || control.paused) return;
    control.pause();
    this.pausedAt = performance.now();
    this.set({status: "paused", message: `Paused after step ${this.optimizer.step}.`});
    void control.parked?.then(() => (control.paused ? this.takeCopy("paused") : undefined));
  }

  resume(): void {
    if (!this.control?.paused) return;
    this.pausedFor += performance.now() - this.pausedAt;
    this.control.resume();
    this.set({status: "running", message: null});
  }

  stop(): void {
    this.control?.stop();
  }

  private async loop(s: RunSettings): Promise<void> {
    const control = (this.control = new ParkingControl());
    const {params, optimizer, run} = this;
    Object.assign(optimizer.options, {weightDecay: s.weightDecay, beta2: s.beta2});
    const [startStep, t0] = [optimizer.step, performance.now()];
    this.pausedFor = 0;
    this.set({status: "running", steps: s.steps, message: null, speed: null, probe: null});
    const options = {steps: s.steps, batchSize: s.batchSize, schedule: scheduleOf(s), clip: s.clip > 0 ? s.clip : null};
    const loop = train(
      params,
      optimizer,
      run.data,
      {...options, seed: this.seed, evalEvery: s.evalEvery, evalIters: 4, logEvery: 1},
      control
    );
    try {
      for await (const p of loop) {
        if (this.disposed || this.params !== params) break;
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
        if (this.disposed || this.params !== params) break;
        if (evaluated) fields.memory = [...this.state.memory, {step: p.step, numTensors: tf.memory().numTensors}];
        if (p.done) fields = {...fields, ...finished(p)};
        this.state = {...this.state, ...fields};
        this.publish(evaluated || p.done !== null);
        if (evaluated || p.done || Date.now() - (this.copies.latest?.at ?? 0) >= COPY_EVERY_MS)
          await this.takeCopy(p.done ? "end" : "progress");
      }
      if (!this.disposed && this.params === params) this.set({probe: await this.probe()});
    } catch (error) {
      const failed = `Training failed: ${(error as Error).message}`;
      if (!this.disposed && this.params === params) this.set({status: "failed", message: failed});
    } finally {
      if (this.control === control) this.control = null;
      // a lost device may have replaced the model: this loop's tensors are then forgotten, not freed
      if (this.params === params && this.disposed) this.free();
      else if (this.params === params) this.publish(true);
    }
  }

  /** The device under the model was lost: the loop is stopped and the model rebuilt from the CPU copy. */
  private restore(status: BackendStatus, lost: string): void {
    if (this.disposed) return;
    const reached = this.state.step;
    this.control?.stop();
    this.control = null;
    let kept: number;
    try {
      kept = this.rebuild();
    } catch (error) {
      const message = `The ${lost} device was lost; the model could not be rebuilt: ${(error as Error).message}`;
      return this.set({status: "failed", message});
    }
    const message = `The ${lost} device was lost at step ${reached}; the model from step ${kept} is restored on ${status.active}: Save it, or Start to continue.`;
    this.set({...upTo(this.state, kept), status: "stopped", step: kept, probe: null, message});
  }

  /** The model and AdamW's state as safetensors bytes, with a file name; a paused run is saved once it has parked. */
  async save(): Promise<Saved> {
    if (this.control && !this.control.paused) throw new Error("pause or stop training first");
    await this.control?.parked;
    return this.checkpoint();
  }

  /** Replaces the model by a checkpoint's, if it fits this data; otherwise throws and keeps the current one. */
  async load(bytes: Uint8Array, origin: string): Promise<void> {
    if (this.control) throw new Error("stop training before loading a model");
    const step = this.replace(bytes);
    const note = step === 0 ? " (no optimizer state in it: training starts its schedule again)" : "";
    this.state = {...emptyState(this.run, `loaded from ${origin}`), step, steps: this.settings.steps};
    this.set({status: "ready", message: `Loaded ${origin} at step ${step}${note}.`});
    this.set({probe: await this.probe()});
  }

  /** Frees the model (at once, or when the running loop notices). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    this.copies.clear();
    this.unwatch();
    if (this.control) this.control.stop();
    else this.free();
  }
}
