// The model chapter 8's session trains (TrainSession extends this): the weights and AdamW's state on the page's
// backend, the data and settings they are trained with, a CPU copy of both read back now and then
// (weightCopy.ts: if the WebGPU device is lost, the model is rebuilt from it), and the checkpoints it writes and reads.
import * as tf from "@tinygpt/tf";
import {CheckpointError, loadCheckpoint} from "../../gpt/checkpoint.js";
import {loadOptimizer} from "../../gpt/checkpointOptim.js";
import type {GPTConfig} from "../../gpt/config.js";
import {estimateLoss} from "../../gpt/evaluate.js";
import {AdamW} from "../../gpt/optim.js";
import {disposeParams, initParams, type Params} from "../../gpt/params.js";
import {fileName, fitProblem, type TrainData} from "./trainData.js";
import {expose} from "../page/testHooks.js";
import {RUN_DEFAULTS, type RunSettings} from "./trainSetup.js";
import {copyCheckpoint, CopyKeeper, copyWeights, forget, type WeightCopy} from "./weightCopy.js";

expose("tf", tf);

const ADAMW = {beta2: RUN_DEFAULTS.beta2}; // each run sets its own (RunSettings)

/** Why a copy was taken: "end" (a run finished, stopped or failed), "paused", or "progress" (an evaluation, 30 s). */
export type CopyReason = "initial" | "progress" | "paused" | "end";

export interface Saved {
  bytes: Uint8Array;
  name: string;
  step: number;
}

export abstract class TrainModel {
  config: GPTConfig;
  protected params: Params;
  protected optimizer: AdamW;
  protected settings: RunSettings = RUN_DEFAULTS;
  protected disposed = false;
  protected readonly copies = new CopyKeeper<CopyReason>();

  constructor(
    readonly run: TrainData,
    config: GPTConfig,
    readonly seed: number
  ) {
    this.config = config;
    this.params = initParams(config, seed);
    this.optimizer = new AdamW(this.params, ADAMW);
    void this.takeCopy("initial");
  }

  /** Told after every copy kept (the session publishes it). */
  protected abstract copied(why: CopyReason): void;

  /** Calls fn with every new CPU copy of the model (autosave stores some); returns the unsubscriber. */
  onCopy(fn: (copy: WeightCopy, why: CopyReason) => void): () => void {
    return this.copies.on(fn);
  }

  /** Reads the model back into a CPU copy; call it between two steps (the loop waits on it, or is parked). */
  protected async takeCopy(why: CopyReason): Promise<void> {
    const params = this.params;
    const current = () => !this.disposed && this.params === params;
    if (await this.copies.take(params, this.optimizer, why, current)) this.copied(why);
  }

  /** Replaces the model (its backend is gone) by the latest copy rebuilt on the active backend; returns its step. */
  protected rebuild(): number {
    const [old, oldOptimizer] = [this.params, this.optimizer];
    ({params: this.params, optimizer: this.optimizer} = this.copies.rebuild(this.config, this.seed, ADAMW));
    forget(old, oldOptimizer);
    return this.optimizer.step;
  }

  /** The loss on one fixed validation batch: the same weights give the same number. */
  protected probe(): Promise<number> {
    return estimateLoss(this.params, this.run.data, "val", 8, 1);
  }

  /** The model and AdamW's state as safetensors bytes, with a file name (the caller makes sure no step runs). */
  protected async checkpoint(): Promise<Saved> {
    return this.copyBytes(await copyWeights(this.params, this.optimizer));
  }

  /** A CPU copy as a checkpoint, like save()'s (autosave: the loop is not touched). */
  copyBytes(copy: WeightCopy): Saved {
    const bytes = copyCheckpoint(copy, this.run.data.tokenizer, this.record(copy.step));
    return {bytes, name: fileName(this.run.label, copy.step), step: copy.step};
  }

  private record(steps: number): Record<string, unknown> {
    const {batchSize: batch, lr, schedule, warmup, weightDecay, beta2, clip} = this.settings;
    return {data: this.run.describe, steps, batch, lr, schedule, warmup, weightDecay, beta2, clip, seed: this.seed};
  }

  /** Replaces the model by a checkpoint's if it fits this data (else throws, keeping it); returns AdamW's step. */
  protected replace(bytes: Uint8Array): number {
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
    void this.takeCopy("initial");
    return optimizer.step;
  }

  protected free(): void {
    this.optimizer.dispose();
    disposeParams(this.params);
  }
}
