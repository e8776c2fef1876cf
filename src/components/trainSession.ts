// Chapter 8's model in training: the library's loop (gpt/train.ts) on the page's backend, with pause, resume and
// stop, a history for the charts, samples every few steps, and save/load of the weights with AdamW's state.
//
// Test hooks (window.__tinygpt.run, see testHooks.ts): {status, step, losses, valLosses, exact, memory, probe},
// where memory lists tf.memory().numTensors after each evaluation and probe is the loss on one fixed val batch.
import * as tf from "@tinygpt/tf";
import {CheckpointError, loadCheckpoint, loadOptimizer} from "../gpt/checkpoint.js";
import type {GPTConfig} from "../gpt/config.js";
import {memoryProblem} from "../gpt/limits.js";
import {estimateLoss} from "../gpt/evaluate.js";
import {AdamW} from "../gpt/optim.js";
import {disposeParams, initParams, type Params} from "../gpt/params.js";
import {RunControl, train} from "../gpt/train.js";
import {checkpointBytes} from "./checkpointStore.js";
import {heldOutAccuracy, trainingSample} from "./probes.js";
import {expose} from "./testHooks.js";
import {fileName, fitProblem, type TrainData} from "./trainData.js";
import {RUN_DEFAULTS, scheduleOf, type RunSettings} from "./trainSetup.js";
import {emptyState, finished, record, type TrainState} from "./trainState.js";

declare module "./testHooks.js" {
  interface TestHooks {
    run?: Record<string, unknown>;
  }
}

const ADAMW = {beta2: RUN_DEFAULTS.beta2}; // each run sets its own (RunSettings)

export class TrainSession {
  config: GPTConfig;
  private params: Params;
  private optimizer: AdamW;
  private settings: RunSettings = RUN_DEFAULTS;
  private control: ParkingControl | null = null;
  private state: TrainState;
  private readonly listeners = new Set<(s: TrainState) => void>();
  private disposed = false;
  private published = 0;
  private pausedAt = 0;
  private pausedFor = 0;

  constructor(
    readonly run: TrainData,
    config: GPTConfig,
    readonly seed: number
  ) {
    this.config = config;
    this.params = initParams(config, seed);
    this.optimizer = new AdamW(this.params, ADAMW);
    this.state = emptyState(run, `fresh weights from seed ${seed}`);
  }

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
    const {status, step, train, val, accuracy, memory, probe} = this.state;
    const [losses, valLosses] = [train.map((p) => p.value), val.map((p) => p.value)];
    expose("run", {status, step, losses, valLosses, accuracy, memory, probe});
  }

  private set(fields: Partial<TrainState>, force = true): void {
    this.state = {...this.state, ...fields};
    this.publish(force);
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
    if (!this.control || this.control.paused) return;
    this.control.pause();
    this.pausedAt = performance.now();
    this.set({status: "paused", message: `Paused after step ${this.optimizer.step}.`});
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
        if (this.disposed) break;
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
        if (this.disposed) break;
        if (evaluated) fields.memory = [...this.state.memory, {step: p.step, numTensors: tf.memory().numTensors}];
        if (p.done) fields = {...fields, ...finished(p)};
        this.state = {...this.state, ...fields};
        this.publish(evaluated || p.done !== null);
      }
      if (!this.disposed) this.set({probe: await this.probe()});
    } catch (error) {
      if (!this.disposed) this.set({status: "failed", message: `Training failed: ${(error as Error).message}`});
    } finally {
      this.control = null;
      if (this.disposed) this.free();
      else this.publish(true);
    }
  }

  /** The loss on one fixed validation batch: the same weights give the same number. */
  private probe(): Promise<number> {
    return estimateLoss(this.params, this.run.data, "val", 8, 1);
  }

  /** The model and AdamW's state as safetensors bytes, with a file name; a paused run is saved once it has parked. */
  async save(): Promise<{bytes: Uint8Array; name: string; step: number}> {
    if (this.control && !this.control.paused) throw new Error("pause or stop training first");
    await this.control?.parked;
    const {settings: s, optimizer, run} = this;
    const {batchSize: batch, lr, schedule, warmup, weightDecay, beta2, clip} = s;
    const record = {data: run.describe, steps: optimizer.step, batch, lr, schedule, warmup, weightDecay, beta2, clip};
    const bytes = await checkpointBytes(this.params, run.data.tokenizer, optimizer, {...record, seed: this.seed});
    return {bytes, name: fileName(run.label, optimizer.step), step: optimizer.step};
  }

  /** Replaces the model by a checkpoint's, if it fits this data; otherwise throws and keeps the current one. */
  async load(bytes: Uint8Array, origin: string): Promise<void> {
    if (this.control) throw new Error("stop training before loading a model");
    const checkpoint = loadCheckpoint(bytes);
    const problem = fitProblem(checkpoint, this.run);
    let optimizer: AdamW;
    try {
      if (problem) throw new CheckpointError(problem);
      optimizer = loadOptimizer(checkpoint) ?? new AdamW(checkpoint.params, ADAMW);
    } catch (error) {
      disposeParams(checkpoint.params);
      throw error;
    }
    this.free();
    [this.params, this.optimizer, this.config] = [checkpoint.params, optimizer, checkpoint.config];
    const note = optimizer.step === 0 ? " (no optimizer state in it: training starts its schedule again)" : "";
    this.state = {...emptyState(this.run, `loaded from ${origin}`), step: optimizer.step, steps: this.settings.steps};
    this.set({status: "ready", message: `Loaded ${origin} at step ${optimizer.step}${note}.`});
    this.set({probe: await this.probe()});
  }

  /** Frees the model (at once, or when the running loop notices). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    if (this.control) this.control.stop();
    else this.free();
  }

  private free(): void {
    this.optimizer.dispose();
    disposeParams(this.params);
  }
}

/** A RunControl that also tells when a paused loop has actually stopped between two steps (parked resolves). */
class ParkingControl extends RunControl {
  private arrive: (() => void) | null = null;
  parked: Promise<void> | null = null;

  pause(): void {
    super.pause();
    this.parked ??= new Promise((resolve) => (this.arrive = resolve));
  }

  resume(): void {
    super.resume();
    this.parked = this.arrive = null;
  }

  wait(): Promise<void> {
    if (this.paused) this.arrive?.();
    return super.wait();
  }
}
