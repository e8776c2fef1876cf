// AdamW's state in a checkpoint, so that training resumes exactly: PyTorch's exp_avg and exp_avg_sq per weight.
import type * as tf from "@tinygpt/tf";
import {
  CheckpointError,
  OPTIMIZER_PREFIX,
  parseJSON,
  pytorchLayout,
  transpose,
  type Checkpoint,
  type CheckpointExtra
} from "./checkpoint.js";
import {AdamW, checkSettings, type AdamWSettings, type AdamWState} from "./optim.js";
import {namedParams, type ParamSpec} from "./params.js";
import {RECIPES} from "./recipes.js";

const MOMENTS = ["exp_avg", "exp_avg_sq"] as const; // PyTorch's names for AdamW's m and v

/** What a checkpoint records of the optimizer besides its state: the settings of its updates and its groups. */
export interface OptimizerRecord {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decayEmbeddings: boolean;
  frozen?: string[]; // the weights it did not train (absent when it trained every one)
}

/** The record of an optimizer trained with settings (their β, ε and λ; the learning rate is the schedule's). */
export function optimizerRecord(optimizer: AdamW, settings: Omit<AdamWSettings, "lr">, frozen: string[] = []) {
  const {beta1, beta2, eps, weightDecay} = settings;
  const record: OptimizerRecord = {beta1, beta2, eps, weightDecay, decayEmbeddings: optimizer.decayEmbeddings};
  return frozen.length ? {...record, frozen} : record;
}

/**
 * An AdamW's state as checkpoint extras: the step and the record as the "optimizer" metadata (JSON), and each
 * trained weight's m and v as optimizer.<weight name>.exp_avg and .exp_avg_sq, in the weight's PyTorch layout.
 * Reads the moments synchronously (dataSync).
 */
export function optimizerExtra(optimizer: AdamW, record: OptimizerRecord): Required<CheckpointExtra> {
  const specs = optimizer.params.map(({name, variable, transposed}) => ({name, shape: variable.shape, transposed}));
  const read = (moments: readonly tf.Tensor[]) => moments.map((moment) => moment.dataSync() as Float32Array);
  return momentsExtra(specs, {step: optimizer.step, m: read(optimizer.m), v: read(optimizer.v)}, record);
}

/**
 * optimizerExtra from values already on the CPU: the state, one array per trained weight for m and v (specs: those
 * weights in state_dict order, each in its variable's layout). No tensor is made or read.
 */
export function momentsExtra(
  specs: Pick<ParamSpec, "name" | "shape" | "transposed">[],
  {step, m, v}: AdamWState,
  record: OptimizerRecord
): Required<CheckpointExtra> {
  const tensors = specs.flatMap(({name, shape, transposed}, i) =>
    [m[i], v[i]].map((moment, k) => ({
      name: `${OPTIMIZER_PREFIX}${name}.${MOMENTS[k]}`,
      ...pytorchLayout(moment, shape, transposed)
    }))
  );
  return {tensors, metadata: {optimizer: JSON.stringify({type: "adamw", step, ...record})}};
}

const NUMBERS = ["beta1", "beta2", "eps", "weightDecay"] as const;

/**
 * The optimizer state a checkpoint carries for its weights, on the CPU; null when it carries none. Checks the
 * metadata and every moment's presence and shape; throws CheckpointError.
 */
export function readOptimizer(checkpoint: Checkpoint): {state: AdamWState; record: OptimizerRecord} | null {
  const {params, extra} = checkpoint;
  const json = extra.metadata.optimizer;
  if (json === undefined) {
    if (extra.tensors.length === 0) return null;
    throw new CheckpointError(`tensor ${extra.tensors[0].name} is there but the metadata has no optimizer`);
  }
  const {type, step, ...fields} = parseJSON(json) as Record<string, unknown>;
  if (type !== "adamw") throw new CheckpointError(`optimizer type ${JSON.stringify(type)} is not "adamw"`);
  if (!(Number.isSafeInteger(step) && (step as number) >= 0)) {
    throw new CheckpointError(`optimizer step (${JSON.stringify(step)}) must be a non-negative integer`);
  }
  const record = recordOf(fields);
  const found = new Map(extra.tensors.map((t) => [t.name, t]));
  const trained = namedParams(params).filter(({name}) => !record.frozen?.includes(name));
  const moments = trained.map(({name, variable, transposed}) =>
    MOMENTS.map((moment) => {
      const key = `${OPTIMIZER_PREFIX}${name}.${moment}`;
      const tensor = found.get(key);
      if (!tensor) throw new CheckpointError(`missing tensor ${key}`);
      found.delete(key);
      const [rows, cols] = variable.shape;
      const shape = transposed ? [cols, rows] : variable.shape;
      if (tensor.shape.join() !== shape.join()) {
        throw new CheckpointError(`tensor ${key} has shape [${tensor.shape}] but its weight needs [${shape}]`);
      }
      return transposed ? transpose(tensor.data, cols, rows) : tensor.data;
    })
  );
  const unexpected = found.keys().next();
  if (!unexpected.done) throw new CheckpointError(`unexpected tensor ${unexpected.value} (no weight has that name)`);
  const state = {step: step as number, m: moments.map(([m]) => m), v: moments.map(([, v]) => v)};
  return {state, record};
}

/** The record's fields, each checked; a field the file leaves out takes PyTorch's default. */
function recordOf(fields: Record<string, unknown>): OptimizerRecord {
  const {lr: _, ...torch} = RECIPES.torch;
  const record: OptimizerRecord = {
    ...{beta1: torch.beta1, beta2: torch.beta2, eps: torch.eps, weightDecay: torch.weightDecay},
    decayEmbeddings: true
  };
  for (const [key, value] of Object.entries(fields)) {
    const ok = (NUMBERS as readonly string[]).includes(key)
      ? typeof value === "number"
      : key === "decayEmbeddings"
        ? typeof value === "boolean"
        : key === "frozen" && Array.isArray(value) && value.every((name) => typeof name === "string");
    if (!ok) {
      throw new CheckpointError(
        `optimizer field ${JSON.stringify(key)} (${JSON.stringify(value)}) is unknown or mistyped`
      );
    }
    (record as unknown as Record<string, unknown>)[key] = value;
  }
  try {
    checkSettings({lr: 0, ...record});
  } catch (error) {
    throw new CheckpointError(`optimizer in the metadata is invalid: ${(error as Error).message}`);
  }
  return record;
}

/** The AdamW a checkpoint carries, for its params, with its step and moments restored, and its record; or null. */
export function loadOptimizer(checkpoint: Checkpoint): {optimizer: AdamW; record: OptimizerRecord} | null {
  const read = readOptimizer(checkpoint);
  if (!read) return null;
  const {state, record} = read;
  const optimizer = new AdamW(checkpoint.params, {decayEmbeddings: record.decayEmbeddings, frozen: record.frozen});
  optimizer.restore(state);
  return {optimizer, record};
}
