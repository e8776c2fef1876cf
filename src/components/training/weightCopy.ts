// A CPU copy of a model in training and its AdamW state: Float32Arrays read back between two steps. The session
// keeps the latest one so that a lost WebGPU device costs only the steps since it (the weights are rebuilt on the
// next backend), and so that a checkpoint can be written without touching the tensors the loop is updating.
import * as tf from "@tinygpt/tf";
import {encodeCheckpoint} from "../../gpt/checkpoint.js";
import {momentsExtra} from "../../gpt/checkpointOptim.js";
import type {GPTConfig} from "../../gpt/config.js";
import {AdamW, type AdamWOptions} from "../../gpt/optim.js";
import {
  assembleParams,
  disposeParams,
  initParams,
  namedParams,
  paramSpecs,
  toVariable,
  type Params
} from "../../gpt/params.js";
import type {Tokenizer} from "../../gpt/tokenizer.js";

export interface WeightCopy {
  config: GPTConfig;
  step: number; // AdamW's step when the copy was taken
  options: AdamWOptions;
  weights: Float32Array[]; // in state_dict order (namedParams), each in its variable's layout
  m: Float32Array[];
  v: Float32Array[];
  at: number; // Date.now() when the copy was taken
}

/**
 * Reads the weights and moments back, asynchronously. Every read is issued before the first await, so the copy is
 * one step's even if the caller lets the loop go on meanwhile.
 */
export async function copyWeights(params: Params, optimizer: AdamW): Promise<WeightCopy> {
  const {step, options} = optimizer;
  const read = (ts: tf.Tensor[]) => Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  const reads = [read(namedParams(params).map((p) => p.variable)), read(optimizer.m), read(optimizer.v)];
  // awaited together: a model freed meanwhile fails every read, and each failure is then handled
  const [weights, m, v] = (await Promise.all(reads)).map((arrays) => arrays.map(own));
  return {config: params.config, step, options: {...options}, weights, m, v, at: Date.now()};
}

/** A fresh array: a backend may hand back a view of memory it reuses. */
const own = (a: Float32Array): Float32Array => new Float32Array(a);

/** The copy as tensors on the active backend: new params and an AdamW at the copy's step. */
function restoreWeights(copy: WeightCopy): {params: Params; optimizer: AdamW} {
  const specs = paramSpecs(copy.config);
  const variables = new Map<string, tf.Variable>();
  specs.forEach(({name, shape}, i) => variables.set(name, toVariable(tf.tensor(copy.weights[i], shape))));
  const params = assembleParams(copy.config, (name) => variables.get(name) ?? null);
  try {
    const optimizer = new AdamW(params, copy.options);
    optimizer.load(copy.step, copy.m, copy.v);
    return {params, optimizer};
  } catch (error) {
    disposeParams(params);
    throw error;
  }
}

/** The copy as checkpoint bytes (model, tokenizer, AdamW, training record): from its arrays, no tensor is made. */
export function copyCheckpoint(copy: WeightCopy, tokenizer: Tokenizer, training: Record<string, unknown>): Uint8Array {
  const {config, step, options, weights, m, v} = copy;
  const extra = momentsExtra(paramSpecs(config), step, options, m, v);
  const metadata = {...extra.metadata, training: JSON.stringify(training)};
  return encodeCheckpoint(config, weights, tokenizer, {tensors: extra.tensors, metadata});
}

/** The latest CPU copy of a session's model, and who is told of each new one. */
export class CopyKeeper<Why> {
  latest: WeightCopy | null = null;
  private readonly listeners = new Set<(copy: WeightCopy, why: Why) => void>();

  on(fn: (copy: WeightCopy, why: Why) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Reads a copy; keeps it (and tells the listeners) if current() still holds once read. A failed read keeps the last. */
  async take(params: Params, optimizer: AdamW, why: Why, current: () => boolean): Promise<WeightCopy | null> {
    try {
      const copy = await copyWeights(params, optimizer);
      if (!current()) return null;
      this.latest = copy;
      for (const fn of this.listeners) fn(copy, why);
      return copy;
    } catch {
      return null; // a lost device fails its reads: the previous copy stands
    }
  }

  /** The model on the active backend from the latest copy of this config, else fresh weights from the seed. */
  rebuild(config: GPTConfig, seed: number, options: Partial<AdamWOptions>): {params: Params; optimizer: AdamW} {
    if (this.latest?.config === config) return restoreWeights(this.latest);
    const params = initParams(config, seed);
    return {params, optimizer: new AdamW(params, options)};
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Frees tensors that may live on a backend that is gone: whatever cannot be freed is dropped with it. */
export function forget(params: Params, optimizer: AdamW): void {
  for (const free of [() => optimizer.dispose(), () => disposeParams(params)]) {
    try {
      free();
    } catch {
      // the lost backend's memory went with its device
    }
  }
}
