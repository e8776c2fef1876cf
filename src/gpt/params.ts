// The model's weights: their layout, a seeded nanoGPT-style initialisation, their names and a parameter count.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";

/** x @ weight + bias; weight is (in, out) so the matmul needs no transpose (PyTorch stores (out, in)). */
export interface LinearParams {
  weight: tf.Variable; // (in, out)
  bias: tf.Variable | null; // (out)
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

// ---- seeded random numbers, computed in JS so every backend gets the same bits ----

/** 32-bit FNV-1a hash of a string. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n samples of normal(0, std), from a stream of its own determined by (seed, name); Box–Muller. */
export function seededNormal(seed: number, name: string, n: number, std: number): Float32Array {
  const high = Math.floor(seed / 4294967296) >>> 0;
  const uniform = mulberry32(hashString(`${seed >>> 0}:${high}:${name}`));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const r = std * Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

// ---- initialisation ----

/** A variable holding the tensor's values; the tensor itself is freed. */
function variable(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

/** Fresh weights as nanoGPT initialises them: normal(0, 0.02), residual projections 0.02 / √(2·nLayer), zero biases, unit gains. */
export function initParams(config: GPTConfig, seed: number): Params {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed (${seed}) must be an integer`);
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF, nLayer} = config;
  const normal = (name: string, shape: [number, number], std = 0.02) =>
    variable(tf.tensor2d(seededNormal(seed, name, shape[0] * shape[1], std), shape));
  const fill = (n: number, value: number) => variable(tf.fill([n], value));
  const linear = (name: string, nIn: number, nOut: number, bias: boolean, std = 0.02): LinearParams => ({
    weight: normal(`${name}.weight`, [nIn, nOut], std),
    bias: bias ? fill(nOut, 0) : null
  });
  const layerNorm = (): LayerNormParams => ({weight: fill(C, 1), bias: config.lnBias ? fill(C, 0) : null});
  const projStd = 0.02 / Math.sqrt(2 * nLayer);
  const h = Array.from({length: nLayer}, (_, i): BlockParams => {
    const p = `transformer.h.${i}`;
    return {
      ln1: layerNorm(),
      attn: {
        cAttn: linear(`${p}.attn.c_attn`, C, 3 * C, config.qkvBias),
        cProj: linear(`${p}.attn.c_proj`, C, C, config.projBias, projStd)
      },
      ln2: layerNorm(),
      mlp: {
        cFc: linear(`${p}.mlp.c_fc`, C, dFF, config.mlpBias),
        cProj: linear(`${p}.mlp.c_proj`, dFF, C, config.mlpBias, projStd)
      }
    };
  });
  return {
    config,
    wte: normal("transformer.wte.weight", [V, C]),
    wpe: config.positional === "learned" ? normal("transformer.wpe.weight", [T, C]) : null,
    h,
    lnF: config.finalNorm ? layerNorm() : null,
    lmHead: config.tieWeights ? null : linear("lm_head", C, V, config.headBias)
  };
}

/** Every variable under its nanoGPT state_dict name, in state_dict order (a tied lm_head is wte and is not listed). */
export function namedParams(params: Params): NamedParam[] {
  const out: NamedParam[] = [];
  const add = (name: string, variable: tf.Variable | null, transposed = false) => {
    if (variable) out.push({name, variable, transposed});
  };
  const linear = (name: string, p: LinearParams) => (
    add(`${name}.weight`, p.weight, true),
    add(`${name}.bias`, p.bias)
  );
  const layerNorm = (name: string, p: LayerNormParams) => (
    add(`${name}.weight`, p.weight),
    add(`${name}.bias`, p.bias)
  );
  add("transformer.wte.weight", params.wte);
  add("transformer.wpe.weight", params.wpe);
  params.h.forEach((block, i) => {
    const p = `transformer.h.${i}`;
    layerNorm(`${p}.ln_1`, block.ln1);
    linear(`${p}.attn.c_attn`, block.attn.cAttn);
    linear(`${p}.attn.c_proj`, block.attn.cProj);
    layerNorm(`${p}.ln_2`, block.ln2);
    linear(`${p}.mlp.c_fc`, block.mlp.cFc);
    linear(`${p}.mlp.c_proj`, block.mlp.cProj);
  });
  if (params.lnF) layerNorm("transformer.ln_f", params.lnF);
  if (params.lmHead) linear("lm_head", params.lmHead);
  return out;
}

/** Frees every variable of the model. */
export function disposeParams(params: Params): void {
  for (const {variable} of namedParams(params)) variable.dispose();
}

// ---- counting ----

/** Parameters of one transformer block, by sublayer. */
export interface BlockCount {
  attention: number; // c_attn + c_proj, weights and biases
  mlp: number; // c_fc + c_proj, weights and biases
  layerNorms: number; // ln_1 + ln_2
  total: number;
}

export interface ParamCount {
  /** Every trainable number; a tied head is counted once (as the token embedding). */
  total: number;
  /** total minus the learned position table (nanoGPT's get_num_params() convention). */
  excludingPositions: number;
  /** The six components sum to total; perBlock is one block's share of attention, mlp and layerNorms. */
  breakdown: {
    tokenEmbedding: number; // wte: vocabSize × nEmbd
    positionEmbedding: number; // wpe: blockSize × nEmbd; 0 when sinusoidal
    attention: number; // all blocks
    mlp: number; // all blocks
    layerNorms: number; // ln_1 and ln_2 of all blocks, plus ln_f
    head: number; // lm_head weight and bias; 0 when tied
    perBlock: BlockCount;
  };
}

/** The parameter count of a config, from the formula alone (no tensors are made). */
export function countParams(config: GPTConfig): ParamCount {
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF, nLayer} = config;
  const b = (on: boolean, n: number) => (on ? n : 0);
  const layerNorm = C + b(config.lnBias, C);
  const attention = C * 3 * C + b(config.qkvBias, 3 * C) + C * C + b(config.projBias, C);
  const mlp = C * dFF + dFF * C + b(config.mlpBias, dFF + C);
  const perBlock = {attention, mlp, layerNorms: 2 * layerNorm, total: attention + mlp + 2 * layerNorm};
  const breakdown = {
    tokenEmbedding: V * C,
    positionEmbedding: config.positional === "learned" ? T * C : 0,
    attention: nLayer * attention,
    mlp: nLayer * mlp,
    layerNorms: nLayer * 2 * layerNorm + b(config.finalNorm, layerNorm),
    head: config.tieWeights ? 0 : C * V + b(config.headBias, V),
    perBlock
  };
  const {tokenEmbedding, positionEmbedding, head} = breakdown;
  const total = tokenEmbedding + positionEmbedding + breakdown.attention + breakdown.mlp + breakdown.layerNorms + head;
  return {total, excludingPositions: total - positionEmbedding, breakdown};
}
