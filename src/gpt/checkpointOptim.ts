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
import {ADAMW_DEFAULTS, AdamW, type AdamWOptions} from "./optim.js";
import {namedParams, type ParamSpec} from "./params.js";

const MOMENTS = ["exp_avg", "exp_avg_sq"] as const; // PyTorch's names for AdamW's m and v

/**
 * An AdamW's state as checkpoint extras: the step and hyperparameters as the "optimizer" metadata (JSON), and each
 * weight's m and v as optimizer.<weight name>.exp_avg and .exp_avg_sq, in the weight's PyTorch layout.
 */
export function optimizerExtra(optimizer: AdamW): Required<CheckpointExtra> {
  const specs = optimizer.params.map(({name, variable, transposed}) => ({name, shape: variable.shape, transposed}));
  const read = (moments: tf.Variable[]) => moments.map((moment) => moment.dataSync() as Float32Array);
  return momentsExtra(specs, optimizer.step, optimizer.options, read(optimizer.m), read(optimizer.v));
}

/**
 * optimizerExtra from values already on the CPU: the step, the options, and m and v as one array per weight (specs:
 * the weights in state_dict order, each in its variable's layout). No tensor is made or read.
 */
export function momentsExtra(
  specs: Pick<ParamSpec, "name" | "shape" | "transposed">[],
  step: number,
  options: AdamWOptions,
  m: Float32Array[],
  v: Float32Array[]
): Required<CheckpointExtra> {
  const tensors = specs.flatMap(({name, shape, transposed}, i) =>
    [m[i], v[i]].map((moment, k) => ({
      name: `${OPTIMIZER_PREFIX}${name}.${MOMENTS[k]}`,
      ...pytorchLayout(moment, shape, transposed)
    }))
  );
  const state = {type: "adamw", step, ...options};
  return {tensors, metadata: {optimizer: JSON.stringify(state)}};
}

/**
 * The AdamW a checkpoint carries, for its params, with its step and moments restored; null when it carries none.
 * Checks the metadata and every moment's presence and shape first; throws CheckpointError.
 */
export function loadOptimizer(checkpoint: Checkpoint): AdamW | null {
  const {params, extra} = checkpoint;
  const json = extra.metadata.optimizer;
  if (json === undefined) {
    if (extra.tensors.length === 0) return null;
    throw new CheckpointError(`tensor ${extra.tensors[0].name} is there but the metadata has no optimizer`);
  }
  const {type, step, ...options} = parseJSON(json) as Record<string, unknown>;
  if (type !== "adamw") throw new CheckpointError(`optimizer type ${JSON.stringify(type)} is not "adamw"`);
  if (!(Number.isSafeInteger(step) && (step as number) >= 0)) {
    throw new CheckpointError(`optimizer step (${JSON.stringify(step)}) must be a non-negative integer`);
  }
  for (const [key, value] of Object.entries(options)) {
    const expected = typeof ADAMW_DEFAULTS[key as keyof AdamWOptions];
    if (!Object.hasOwn(ADAMW_DEFAULTS, key) || typeof value !== expected) {
      throw new CheckpointError(
        `optimizer field ${JSON.stringify(key)} (${JSON.stringify(value)}) is unknown or mistyped`
      );
    }
  }
  const found = new Map(extra.tensors.map((t) => [t.name, t]));
  const named = namedParams(params);
  const moments = named.map(({name, variable, transposed}) =>
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
  let optimizer: AdamW;
  try {
    optimizer = new AdamW(params, options as Partial<AdamWOptions>);
  } catch (error) {
    throw new CheckpointError(`optimizer in the metadata is invalid: ${(error as Error).message}`);
  }
  optimizer.load(
    step as number,
    moments.map(([m]) => m),
    moments.map(([, v]) => v)
  );
  return optimizer;
}
