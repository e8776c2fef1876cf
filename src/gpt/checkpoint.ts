// Checkpoints as safetensors files that PyTorch can read: nanoGPT's state_dict names and (out, in) Linear weights,
// with the config and the tokenizer as JSON strings in the metadata (checkpointOptim.ts adds AdamW's state).
import * as tf from "@tinygpt/tf";
import {ConfigError, makeConfig, type GPTConfig} from "./config.js";
import {assembleParams, namedParams, paramSpecs, toVariable, type Params} from "./params.js";
import {decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor} from "./safetensors.js";
import {TokenizerError, tokenizerFromJSON, type Tokenizer} from "./tokenizer.js";

/** Tensors whose names start with this are carried along (optimizer state), not loaded into the model. */
export const OPTIMIZER_PREFIX = "optimizer.";
const RESERVED = ["config", "tokenizer", "format"];

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** What a checkpoint may carry besides the model: "optimizer.*" tensors and more metadata strings. */
export interface CheckpointExtra {
  tensors?: NamedTensor[];
  metadata?: Record<string, string>;
}

export interface Checkpoint {
  config: GPTConfig;
  tokenizer: Tokenizer | null;
  params: Params;
  /** The "optimizer.*" tensors and the metadata other than config, tokenizer and format. */
  extra: Required<CheckpointExtra>;
}

/** (rows, cols) row-major → (cols, rows) row-major. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** A weight's values in PyTorch's layout: a transposed (in, out) Linear weight becomes (out, in). */
export function pytorchLayout(
  data: Float32Array,
  shape: number[],
  transposed: boolean
): {shape: number[]; data: Float32Array} {
  const [rows, cols] = shape;
  return transposed ? {shape: [cols, rows], data: transpose(data, rows, cols)} : {shape, data};
}

/**
 * The model's tensors under their state_dict names, in PyTorch layout, from one array per weight in state_dict order
 * (namedParams), each in its variable's layout; a tied lm_head.weight repeats wte.
 */
function stateDict(config: GPTConfig, weights: Float32Array[]): NamedTensor[] {
  const tensors = paramSpecs(config).map(({name, shape, transposed}, i) => ({
    name,
    ...pytorchLayout(weights[i], shape, transposed)
  }));
  if (config.tieWeights) tensors.push({...tensors[0], name: "lm_head.weight"});
  return tensors;
}

/** The safetensors bytes of a model, its tokenizer (or null) and any extra tensors and metadata. */
export function saveCheckpoint(params: Params, tokenizer: Tokenizer | null, extra: CheckpointExtra = {}): Uint8Array {
  const weights = namedParams(params).map(({variable}) => variable.dataSync() as Float32Array);
  return encodeCheckpoint(params.config, weights, tokenizer, extra);
}

/**
 * saveCheckpoint from values already on the CPU: one array per weight in state_dict order (namedParams), each in its
 * variable's layout. No tensor is made or read.
 */
export function encodeCheckpoint(
  config: GPTConfig,
  weights: Float32Array[],
  tokenizer: Tokenizer | null,
  extra: CheckpointExtra = {}
): Uint8Array {
  if (tokenizer && tokenizer.vocabSize !== config.vocabSize) {
    throw new CheckpointError(
      `tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}`
    );
  }
  const extraTensors = extra.tensors ?? [];
  const bad = extraTensors.find(({name}) => !name.startsWith(OPTIMIZER_PREFIX));
  if (bad) throw new CheckpointError(`extra tensor ${bad.name} must be named ${OPTIMIZER_PREFIX}*`);
  const clash = Object.keys(extra.metadata ?? {}).find((key) => RESERVED.includes(key));
  if (clash) throw new CheckpointError(`extra metadata may not set ${JSON.stringify(clash)}`);
  const metadata: Record<string, string> = {config: JSON.stringify(config)};
  if (tokenizer) metadata.tokenizer = JSON.stringify(tokenizer);
  try {
    return encodeSafetensors([...stateDict(config, weights), ...extraTensors], {
      ...metadata,
      format: "pt",
      ...extra.metadata
    });
  } catch (error) {
    throw error instanceof SafetensorsError ? new CheckpointError(error.message) : error;
  }
}

/**
 * The model in a checkpoint. Everything is checked before any tensor is made: the file, the config, the tokenizer
 * against vocabSize, and every tensor's presence, dtype and shape; tensors named "optimizer.*" are returned in extra.
 * Throws CheckpointError saying what is wrong.
 */
export function loadCheckpoint(bytes: Uint8Array): Checkpoint {
  const file = wrap(() => decodeSafetensors(bytes));
  const {config: configJSON, tokenizer: tokenizerJSON, format: _, ...metadata} = file.metadata;
  if (configJSON === undefined) throw new CheckpointError("the metadata has no config: not a TinyGPT checkpoint");
  const config = wrap(
    () => makeConfig(parseJSON(configJSON) as Partial<GPTConfig>),
    "config in the metadata is invalid: "
  );
  const tokenizer =
    tokenizerJSON === undefined
      ? null
      : wrap(() => tokenizerFromJSON(parseJSON(tokenizerJSON)), "tokenizer in the metadata is invalid: ");
  if (tokenizer && tokenizer.vocabSize !== config.vocabSize) {
    throw new CheckpointError(
      `tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}`
    );
  }

  const found = new Map(file.tensors.map((t) => [t.name, t]));
  const specs = paramSpecs(config);
  const expected = specs.map(({name, shape, transposed}) => ({name, shape: transposed ? [...shape].reverse() : shape}));
  if (config.tieWeights) expected.push({name: "lm_head.weight", shape: [config.vocabSize, config.nEmbd]});
  for (const {name, shape} of expected) {
    const tensor = found.get(name);
    if (!tensor) throw new CheckpointError(`missing tensor ${name}`);
    if (tensor.shape.join() !== shape.join()) {
      throw new CheckpointError(`tensor ${name} has shape [${tensor.shape}] but the config needs [${shape}]`);
    }
  }
  const names = new Set(expected.map(({name}) => name));
  const unexpected = file.tensors.find(({name}) => !names.has(name) && !name.startsWith(OPTIMIZER_PREFIX));
  if (unexpected) throw new CheckpointError(`unexpected tensor ${unexpected.name} (the config has no such weight)`);
  if (config.tieWeights && !sameBits(found.get("lm_head.weight")!.data, found.get("transformer.wte.weight")!.data)) {
    throw new CheckpointError("lm_head.weight differs from transformer.wte.weight but the config ties them");
  }

  const variables = new Map<string, tf.Variable>();
  try {
    for (const {name, shape, transposed} of specs) {
      const {data} = found.get(name)!;
      variables.set(name, toVariable(tf.tensor(transposed ? transpose(data, shape[1], shape[0]) : data, shape)));
    }
  } catch (error) {
    variables.forEach((v) => v.dispose());
    throw error;
  }
  const params = assembleParams(config, (name) => variables.get(name) ?? null);
  const optimizer = file.tensors.filter(({name}) => name.startsWith(OPTIMIZER_PREFIX));
  return {config, tokenizer, params, extra: {tensors: optimizer, metadata}};
}

/** Runs fn, turning the errors of the format, config and tokenizer modules into a CheckpointError. */
function wrap<T>(fn: () => T, prefix = ""): T {
  try {
    return fn();
  } catch (error) {
    const known = [SafetensorsError, ConfigError, TokenizerError, CheckpointError].some((E) => error instanceof E);
    if (known) throw new CheckpointError(prefix + (error as Error).message);
    throw error;
  }
}

/** JSON.parse, throwing CheckpointError("not JSON"). */
export function parseJSON(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new CheckpointError("not JSON");
  }
}

const sameBits = (a: Float32Array, b: Float32Array) => {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
