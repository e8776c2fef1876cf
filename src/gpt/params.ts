// The model's weights: their layout, a seeded nanoGPT-style initialisation and their names (count.ts counts them).
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import {seededNormal} from "./random.js";

/** x @ weight + bias; weight is (in, out) so the matmul needs no transpose (PyTorch stores (out, in)). */
export interface LinearParams {
  weight: tf.Variable; // (in, out)
  bias: tf.Variable | null; // (out)
  lora?: LoraParams; // a low-rank adapter beside the weight (lora.ts attaches it)
}

/** A LoRA adapter on one Linear: while on, the layer computes x @ W + scale · (dropout(x) @ a) @ b. */
export interface LoraParams {
  a: tf.Variable; // (in, r); PyTorch's lora_A.weight is (r, in)
  b: tf.Variable; // (r, out); PyTorch's lora_B.weight is (out, r)
  scale: number; // α / r
  dropout: number; // the rate of the adapter's input dropout, in training
  on: boolean; // off: the layer is the base's alone (a merged adapter is off: W holds it)
}
export interface LayerNormParams {
  weight: tf.Variable; // (nEmbd)
  bias: tf.Variable | null; // (nEmbd)
}
export interface BlockParams {
  ln1: LayerNormParams;
  attn: {cAttn: LinearParams; cProj: LinearParams}; // cAttn (nEmbd, 3 * nEmbd), cProj (nEmbd, nEmbd)
  ln2: LayerNormParams;
  mlp: {cFc: LinearParams; cProj: LinearParams}; // cFc (nEmbd, dFF), cProj (dFF, nEmbd)
}
export interface Params {
  config: GPTConfig;
  wte: tf.Variable; // (vocabSize, nEmbd)
  wpe: tf.Variable | null; // (blockSize, nEmbd); null when positional = "sinusoidal"
  h: BlockParams[];
  lnF: LayerNormParams | null; // null when finalNorm = false
  lmHead: LinearParams | null; // null when tied (logits use wte); weight (nEmbd, vocabSize)
}

/** One weight under its nanoGPT state_dict name; transposed: stored (in, out) here, (out, in) in PyTorch. */
export interface NamedParam {
  name: string;
  variable: tf.Variable;
  transposed: boolean;
}

// ---- the list of weights ----

/** One weight of a config: its name, its shape here, and how nanoGPT initialises it. */
export interface ParamSpec {
  name: string; // nanoGPT state_dict name
  shape: number[]; // as stored here; PyTorch's is reversed when transposed
  transposed: boolean; // a Linear weight: (in, out) here, (out, in) in PyTorch
  init: "normal" | "residual" | "zeros" | "ones"; // residual: the 0.02/√(2·nLayer) projections
}

/** Every weight a config has, in state_dict order (a tied lm_head is wte and is not listed). */
export function paramSpecs(config: GPTConfig): ParamSpec[] {
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF} = config;
  const specs: ParamSpec[] = [];
  const add = (name: string, shape: number[], init: ParamSpec["init"], transposed = false) =>
    specs.push({name, shape, transposed, init});
  const linear = (name: string, nIn: number, nOut: number, bias: boolean, init: ParamSpec["init"] = "normal") => {
    add(`${name}.weight`, [nIn, nOut], init, true);
    if (bias) add(`${name}.bias`, [nOut], "zeros");
  };
  const layerNorm = (name: string) => {
    add(`${name}.weight`, [C], "ones");
    if (config.lnBias) add(`${name}.bias`, [C], "zeros");
  };
  add("transformer.wte.weight", [V, C], "normal");
  if (config.positional === "learned") add("transformer.wpe.weight", [T, C], "normal");
  for (let i = 0; i < config.nLayer; i++) {
    const p = `transformer.h.${i}`;
    layerNorm(`${p}.ln_1`);
    linear(`${p}.attn.c_attn`, C, 3 * C, config.qkvBias);
    linear(`${p}.attn.c_proj`, C, C, config.projBias, "residual");
    layerNorm(`${p}.ln_2`);
    linear(`${p}.mlp.c_fc`, C, dFF, config.mlpBias);
    linear(`${p}.mlp.c_proj`, dFF, C, config.mlpBias, "residual");
  }
  if (config.finalNorm) layerNorm("transformer.ln_f");
  if (!config.tieWeights) linear("lm_head", C, V, config.headBias);
  return specs;
}

/** Puts variables found by state_dict name into the Params structure (get returns null for an absent bias). */
export function assembleParams(config: GPTConfig, get: (name: string) => tf.Variable | null): Params {
  const need = (name: string) => get(name) ?? missing(name);
  const linear = (name: string): LinearParams => ({weight: need(`${name}.weight`), bias: get(`${name}.bias`)});
  const layerNorm = (name: string): LayerNormParams => ({weight: need(`${name}.weight`), bias: get(`${name}.bias`)});
  const h = Array.from({length: config.nLayer}, (_, i): BlockParams => {
    const p = `transformer.h.${i}`;
    return {
      ln1: layerNorm(`${p}.ln_1`),
      attn: {cAttn: linear(`${p}.attn.c_attn`), cProj: linear(`${p}.attn.c_proj`)},
      ln2: layerNorm(`${p}.ln_2`),
      mlp: {cFc: linear(`${p}.mlp.c_fc`), cProj: linear(`${p}.mlp.c_proj`)}
    };
  });
  return {
    config,
    wte: need("transformer.wte.weight"),
    wpe: config.positional === "learned" ? need("transformer.wpe.weight") : null,
    h,
    lnF: config.finalNorm ? layerNorm("transformer.ln_f") : null,
    lmHead: config.tieWeights ? null : linear("lm_head")
  };
}

function missing(name: string): never {
  throw new Error(`no variable for ${name}`);
}

/** A variable holding the tensor's values; the tensor itself is freed. */
export function toVariable(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

// ---- initialisation ----

/** Fresh weights as nanoGPT initialises them: normal(0, 0.02), residual projections 0.02 / √(2·nLayer), zero biases, unit gains. */
export function initParams(config: GPTConfig, seed: number): Params {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed (${seed}) must be an integer`);
  const residualStd = 0.02 / Math.sqrt(2 * config.nLayer);
  const variables = new Map<string, tf.Variable>();
  for (const {name, shape, init} of paramSpecs(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values =
      init === "normal" || init === "residual"
        ? seededNormal(seed, name, size, init === "normal" ? 0.02 : residualStd)
        : new Float32Array(size).fill(init === "ones" ? 1 : 0);
    variables.set(name, toVariable(tf.tensor(values, shape)));
  }
  return assembleParams(config, (name) => variables.get(name) ?? null);
}

/** Every variable under its nanoGPT state_dict name, in state_dict order (a tied lm_head is wte and is not listed). */
export function namedParams(params: Params): NamedParam[] {
  return paramSpecs(params.config).map(({name, transposed}) => ({name, variable: lookup(params, name), transposed}));
}

/** The variable of a state_dict name: the field names here are nanoGPT's in camelCase (h.0.attn.c_attn → h[0].attn.cAttn). */
function lookup(params: Params, name: string): tf.Variable {
  let node: unknown = params;
  for (const part of name.replace(/^transformer\./, "").split(".")) {
    if (node instanceof tf.Variable) break; // wte.weight, wpe.weight are the variables themselves
    node = (node as Record<string, unknown>)[part.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())];
  }
  if (!(node instanceof tf.Variable)) throw new Error(`params have no variable for ${name}`);
  return node;
}

/** Frees every variable of the model. */
export function disposeParams(params: Params): void {
  for (const {variable} of namedParams(params)) variable.dispose();
}
