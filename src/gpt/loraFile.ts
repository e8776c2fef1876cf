// An adapter file: the adapter alone as safetensors, as PEFT saves one — base_model.model.transformer.h.{i}.{target}
// .lora_A.weight (r, in) and ….lora_B.weight (out, r) — with its LoraConfig in the metadata under PEFT's names, and
// what identifies the base it was trained on: the checkpoint file's sha256 and its tokenizer.
import * as tf from "@tinygpt/tf";
import {pytorchLayout, transpose} from "./checkpoint.js";
import type {GPTConfig} from "./config.js";
import {adapterWeights, attachLora, checkLoraConfig, detachLora, loraModules, parseTargets, LoraError} from "./lora.js";
import type {Adapter, LoraConfig} from "./lora.js";
import type {Params} from "./params.js";
import {decodeSafetensors, encodeSafetensors, SafetensorsError} from "./safetensors.js";
import type {Tokenizer, TokenizerJSON} from "./tokenizer.js";

/** PEFT's prefix: the adapted model is base_model.model inside its PeftModel. */
export const PEFT_PREFIX = "base_model.model.";

/** What an adapter is loaded onto: a checkpoint's config and tokenizer, and the sha256 of its file. */
export interface BaseModel {
  config: GPTConfig;
  tokenizer: Tokenizer | null;
  sha256: string; // hex, of the checkpoint file's bytes
}

/** An adapter file, read and checked on its own (against no base yet). No tensor is made. */
export interface AdapterFile {
  config: LoraConfig;
  sha256: string | null; // the base checkpoint's, when recorded
  tokenizer: TokenizerJSON | null; // the base's, when recorded
  tensors: Map<string, {shape: number[]; data: Float32Array}>; // by name, in PyTorch's layout
}

/** The sha256 of bytes as 64 hex digits (Web Crypto: Node 20 and browsers, in a secure context). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new LoraError("SHA-256 needs Web Crypto, which a page has only over https or on localhost");
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The adapter file's bytes: its weights in PEFT's names and layouts, its config and its base in the metadata. */
export async function saveAdapter(
  adapter: Adapter,
  base: Pick<BaseModel, "tokenizer" | "sha256">
): Promise<Uint8Array> {
  const weights = adapterWeights(adapter);
  const values = await Promise.all(weights.map(({variable}) => variable.data() as Promise<Float32Array>));
  const tensors = weights.map(({name, variable, transposed}, i) => ({
    name: PEFT_PREFIX + name,
    ...pytorchLayout(values[i], variable.shape, transposed)
  }));
  const {r, alpha, dropout, targets, layers} = adapter.config;
  const metadata: Record<string, string> = {
    ...{format: "pt", peft_type: "LORA", r: String(r), lora_alpha: String(alpha), lora_dropout: String(dropout)},
    ...{target_modules: JSON.stringify(targets), base_model_sha256: base.sha256},
    ...(layers ? {layers_to_transform: JSON.stringify(layers)} : {}),
    ...(base.tokenizer ? {tokenizer: JSON.stringify(base.tokenizer)} : {})
  };
  return encodeSafetensors(tensors, metadata);
}

/** Reads and checks an adapter file on its own; throws LoraError saying what is wrong. */
export function readAdapter(bytes: Uint8Array): AdapterFile {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new LoraError(error.message);
    throw error;
  }
  const m = file.metadata;
  if (m.peft_type !== "LORA" || m.r === undefined) {
    throw new LoraError("the metadata has no peft_type LORA and r: not a LoRA adapter file");
  }
  const json = (key: string): unknown => {
    try {
      return JSON.parse(m[key]);
    } catch {
      throw new LoraError(`${key} in the metadata (${JSON.stringify(m[key])}) is not JSON`);
    }
  };
  const targets = json("target_modules");
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === "string")) {
    throw new LoraError(`target_modules in the metadata (${m.target_modules}) must be a list of names`);
  }
  const layers = m.layers_to_transform === undefined ? null : json("layers_to_transform");
  if (layers !== null && !(Array.isArray(layers) && layers.every((l) => typeof l === "number"))) {
    throw new LoraError(`layers_to_transform in the metadata (${m.layers_to_transform}) must be a list of blocks`);
  }
  const [r, alpha, dropout] = [m.r, m.lora_alpha, m.lora_dropout ?? "0"].map(Number);
  const config: LoraConfig = {r, alpha, dropout, targets: parseTargets(targets), layers: layers as number[] | null};
  checkLoraConfig(config);
  const tokenizer = m.tokenizer === undefined ? null : (json("tokenizer") as TokenizerJSON);
  const tensors = new Map(file.tensors.map(({name, shape, data}) => [name, {shape, data}]));
  return {config, sha256: m.base_model_sha256 ?? null, tokenizer, tensors};
}

/**
 * Throws a LoraError naming the mismatch unless the adapter fits the base: the same tokenizer, a tensor of the
 * right shape for every adapted matrix and no other, and the same checkpoint file (sha256), checked in that order.
 */
export function checkBase(file: AdapterFile, base: BaseModel): void {
  const {config, tokenizer, sha256} = base;
  const ours = base.tokenizer ? JSON.stringify(base.tokenizer) : null;
  if (file.tokenizer && ours && JSON.stringify(file.tokenizer) !== ours) {
    const size = (t: TokenizerJSON) => (t.type === "char" ? `${t.vocab.length} characters` : `BPE`);
    throw new LoraError(
      `tokenizer mismatch: the adapter's base has ${size(file.tokenizer)}, this checkpoint ${size(tokenizer!.toJSON())} (another vocabulary)`
    );
  }
  if (file.config.layers && file.config.layers.some((l) => l >= config.nLayer)) {
    throw new LoraError(
      `shape mismatch: the adapter adapts blocks ${file.config.layers}, this checkpoint has ${config.nLayer}`
    );
  }
  const expected = new Map<string, number[]>();
  for (const {name, nIn, nOut} of loraModules(config, file.config)) {
    expected.set(`${PEFT_PREFIX}${name}.lora_A.weight`, [file.config.r, nIn]);
    expected.set(`${PEFT_PREFIX}${name}.lora_B.weight`, [nOut, file.config.r]);
  }
  for (const [name, shape] of expected) {
    const tensor = file.tensors.get(name);
    if (!tensor)
      throw new LoraError(`shape mismatch: missing tensor ${name} (this checkpoint has ${config.nLayer} blocks)`);
    if (tensor.shape.join() !== shape.join()) {
      throw new LoraError(
        `shape mismatch: tensor ${name} has shape [${tensor.shape}] but this checkpoint needs [${shape}]`
      );
    }
  }
  const extra = [...file.tensors.keys()].find((name) => !expected.has(name));
  if (extra)
    throw new LoraError(
      `shape mismatch: tensor ${extra} adapts no weight of this checkpoint (${config.nLayer} blocks)`
    );
  if (file.sha256 && file.sha256 !== sha256) {
    throw new LoraError(
      `hash mismatch: the adapter was trained on the checkpoint with sha256 ${file.sha256.slice(0, 12)}…, this one is ${sha256.slice(0, 12)}…`
    );
  }
}

/** Attaches a file's adapter to a model after checkBase; the caller detaches it (detachLora). */
export function loadAdapter(params: Params, file: AdapterFile, base: Omit<BaseModel, "config">): Adapter {
  checkBase(file, {...base, config: params.config});
  const adapter = attachLora(params, file.config, 0);
  try {
    for (const {name, variable} of adapterWeights(adapter)) {
      const [rows, cols] = variable.shape; // here (in, r) and (r, out); the file holds them transposed
      const {data} = file.tensors.get(PEFT_PREFIX + name)!;
      tf.tidy(() => variable.assign(tf.tensor2d(transpose(data, cols, rows), [rows, cols])));
    }
  } catch (error) {
    detachLora(adapter);
    throw error;
  }
  return adapter;
}
