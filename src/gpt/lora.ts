// LoRA (Hu et al., 2021, as Hugging Face PEFT's LoraModel): a frozen weight W and a trained low-rank update, so the
// layer computes x @ (W + (α/r)·A·B) here — x·(W + (α/r)·B·A)ᵀ in PyTorch's layout. An adapter attaches to the
// model's Linear layers (LinearParams.lora), so every forward pass sees it; merge folds it into W.
import * as tf from "@tinygpt/tf";
import type {GPTConfig} from "./config.js";
import {toVariable, type LinearParams, type LoraParams, type NamedParam, type Params} from "./params.js";
import {seededUniform} from "./random.js";

/** The Linear layers of a block an adapter may adapt, by nanoGPT name. */
export const LORA_TARGETS = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** What an adapter is: PEFT's LoraConfig, with its field names in the adapter file. */
export interface LoraConfig {
  r: number; // the rank of the update (r)
  alpha: number; // the update is scaled by α / r (lora_alpha)
  dropout: number; // dropout on the adapter's input, in training (lora_dropout)
  targets: readonly LoraTarget[]; // which Linear layers of a block, in LORA_TARGETS order (target_modules)
  layers: readonly number[] | null; // which blocks, ascending; null: every block (layers_to_transform)
}

export class LoraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoraError";
  }
}

/**
 * Targets from names, as PEFT's target_modules matches them: a full name (attn.c_proj) is that layer, a short one
 * (c_proj) every layer whose name ends with it. Returned in LORA_TARGETS order.
 */
export function parseTargets(names: readonly string[]): LoraTarget[] {
  if (names.length === 0) throw new LoraError("targets is empty: name at least one of c_attn, c_proj, c_fc");
  const chosen = new Set<LoraTarget>();
  for (const name of names) {
    const matches = LORA_TARGETS.filter((t) => t === name || t.endsWith(`.${name}`));
    if (matches.length === 0) {
      throw new LoraError(
        `target ${JSON.stringify(name)} is not a Linear layer of a block: ${LORA_TARGETS.join(", ")}`
      );
    }
    matches.forEach((t) => chosen.add(t));
  }
  return LORA_TARGETS.filter((t) => chosen.has(t));
}

/** Throws a LoraError naming the field unless the adapter is valid (and, given nLayer, fits a model that deep). */
export function checkLoraConfig(lora: LoraConfig, nLayer = Infinity): void {
  const {r, alpha, dropout, targets, layers} = lora;
  if (!(Number.isSafeInteger(r) && r >= 1)) throw new LoraError(`r (${r}) must be a positive integer`);
  if (!(alpha > 0 && Number.isFinite(alpha))) throw new LoraError(`lora_alpha (${alpha}) must be a positive number`);
  if (!(dropout >= 0 && dropout < 1)) throw new LoraError(`lora_dropout (${dropout}) must be in [0, 1)`);
  if (targets.length === 0 || targets.some((t, i) => !LORA_TARGETS.includes(t) || targets.indexOf(t) !== i)) {
    throw new LoraError(`target_modules (${JSON.stringify(targets)}) must be distinct names of ${LORA_TARGETS}`);
  }
  if (layers === null) return;
  const bad = layers.find((l, i) => !(Number.isSafeInteger(l) && l >= 0 && l < nLayer) || layers[i - 1] >= l);
  if (layers.length === 0 || bad !== undefined) {
    const range = Number.isFinite(nLayer) ? `in [0, ${nLayer})` : "≥ 0";
    throw new LoraError(`layers_to_transform (${JSON.stringify(layers)}) must be ascending blocks, each ${range}`);
  }
}

/** One adapted matrix: its module name (transformer.h.0.attn.c_attn), where it is, and its (in, out). */
export interface LoraModule {
  name: string;
  layer: number;
  target: LoraTarget;
  nIn: number;
  nOut: number;
}

/** The matrices an adapter adapts in a model of this config, block by block. */
export function loraModules(config: GPTConfig, lora: Pick<LoraConfig, "targets" | "layers">): LoraModule[] {
  const {nEmbd: C, dFF} = config;
  const shapes: Record<LoraTarget, [number, number]> = {
    "attn.c_attn": [C, 3 * C],
    "attn.c_proj": [C, C],
    "mlp.c_fc": [C, dFF],
    "mlp.c_proj": [dFF, C]
  };
  const layers = lora.layers ?? Array.from({length: config.nLayer}, (_, i) => i);
  return layers.flatMap((layer) =>
    lora.targets.map((target) => {
      const [nIn, nOut] = shapes[target];
      return {name: `transformer.h.${layer}.${target}`, layer, target, nIn, nOut};
    })
  );
}

/** The adapter's trainable parameters, from the formula: r·(in + out) per adapted matrix. */
export const loraCount = (config: GPTConfig, lora: LoraConfig): number =>
  loraModules(config, lora).reduce((n, {nIn, nOut}) => n + lora.r * (nIn + nOut), 0);

/** An adapter attached to a model: its config, and for each adapted matrix the Linear and its LoRA weights. */
export interface Adapter {
  readonly config: LoraConfig;
  readonly modules: readonly (LoraModule & {linear: LinearParams; lora: LoraParams})[];
  merged: boolean; // folded into the base weights (merge); the adapter is then off
}

const linearOf = (params: Params, layer: number, target: LoraTarget): LinearParams => {
  const block = params.h[layer];
  const linears: Record<LoraTarget, LinearParams> = {
    "attn.c_attn": block.attn.cAttn,
    "attn.c_proj": block.attn.cProj,
    "mlp.c_fc": block.mlp.cFc,
    "mlp.c_proj": block.mlp.cProj
  };
  return linears[target];
};

/**
 * Attaches a new adapter to the model's Linear layers, switched on: A drawn from U(−1/√in, 1/√in) (PEFT's
 * kaiming-uniform), seeded per matrix, and B zeros, so the adapted model starts equal to the base.
 */
export function attachLora(params: Params, lora: LoraConfig, seed: number): Adapter {
  checkLoraConfig(lora, params.config.nLayer);
  const modules = loraModules(params.config, lora).map((m) => ({...m, linear: linearOf(params, m.layer, m.target)}));
  const taken = modules.find(({linear}) => linear.lora);
  if (taken) throw new LoraError(`${taken.name} has an adapter already`);
  const {r, alpha, dropout} = lora;
  const attached = modules.map((m) => {
    const a = seededUniform(seed, `${m.name}.lora_A`, m.nIn * r, 1 / Math.sqrt(m.nIn));
    const weights: LoraParams = {
      a: toVariable(tf.tensor2d(a, [m.nIn, r])), // (in, r)
      b: toVariable(tf.zeros([r, m.nOut])), // (r, out)
      ...{scale: alpha / r, dropout, on: true}
    };
    m.linear.lora = weights;
    return {...m, lora: weights};
  });
  return {config: {...lora}, modules: attached, merged: false};
}

/** The adapter's weights under PEFT's names (without base_model.model.), A then B of each matrix. */
export const adapterWeights = (adapter: Adapter): NamedParam[] =>
  adapter.modules.flatMap(({name, lora}) => [
    {name: `${name}.lora_A.weight`, variable: lora.a, transposed: true},
    {name: `${name}.lora_B.weight`, variable: lora.b, transposed: true}
  ]);

/** Switches the adapter on (the adapted model) or off (the base model). */
export function setAdapterOn(adapter: Adapter, on: boolean): void {
  if (adapter.merged) throw new LoraError("the adapter is merged into the weights: unmerge it first");
  adapter.modules.forEach(({lora}) => (lora.on = on));
}

/** ΔW = (α/r)·A·B, the adapter's change to one weight, in the weight's (in, out) layout. */
export const deltaWeight = ({a, b, scale}: LoraParams): tf.Tensor2D => tf.tidy(() => tf.mul(tf.matMul(a, b), scale)); // (in, r) x (r, out) -> (in, out)

/** Folds the adapter into the base weights, W ← W + ΔW, and switches it off: the same model, without the detour. */
export function mergeAdapter(adapter: Adapter): void {
  if (adapter.merged) throw new LoraError("the adapter is merged already");
  for (const {linear, lora} of adapter.modules) {
    tf.tidy(() => linear.weight.assign(tf.add(linear.weight, deltaWeight(lora))));
    lora.on = false;
  }
  adapter.merged = true;
}

/** Takes a merged adapter back out, W ← W − ΔW, and switches it on. */
export function unmergeAdapter(adapter: Adapter): void {
  if (!adapter.merged) throw new LoraError("the adapter is not merged");
  for (const {linear, lora} of adapter.modules) {
    tf.tidy(() => linear.weight.assign(tf.sub(linear.weight, deltaWeight(lora))));
    lora.on = true;
  }
  adapter.merged = false;
}

/** Removes the adapter from the model and frees its weights (a merged adapter stays in the base weights). */
export function detachLora(adapter: Adapter): void {
  for (const {linear, lora} of adapter.modules) {
    if (linear.lora === lora) delete linear.lora;
    tf.dispose([lora.a, lora.b]);
  }
}
