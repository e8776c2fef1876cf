// Adapters on the command line: a checkpoint with an adapter file attached (forward --adapter, sample --adapter), and
// tinygpt merge, which folds an adapter into its base and writes an ordinary checkpoint.
import {writeFileSync} from "node:fs";
import {initBackend} from "../src/gpt/backend.js";
import {saveCheckpoint, type Checkpoint} from "../src/gpt/checkpoint.js";
import {detachLora, mergeAdapter, LoraError, type Adapter} from "../src/gpt/lora.js";
import {loadAdapter, readAdapter, sha256Hex} from "../src/gpt/loraFile.js";
import {disposeParams} from "../src/gpt/params.js";
import {CliError, loadCheckpointFile, parseOptions, readBytes, reason, required} from "./args.js";
import type {Command} from "./commands.js";

/** A checkpoint's model, with the adapter at adapterPath attached when one is given; free it with release(). */
export interface Adapted extends Checkpoint {
  adapter: Adapter | null;
  sha256: string; // of the checkpoint file
  release(): void;
}

/**
 * Loads the checkpoint at path and, when adapterPath is given, attaches that adapter to it. An adapter for another
 * base (tokenizer, shape or sha256) is a CliError naming the mismatch.
 */
export async function loadAdapted(path: string, adapterPath?: string): Promise<Adapted> {
  const bytes = readBytes(path);
  const adapterBytes = adapterPath === undefined ? null : readBytes(adapterPath);
  const sha256 = await sha256Hex(bytes);
  const checkpoint = loadCheckpointFile(path, bytes);
  let adapter: Adapter | null = null;
  try {
    if (adapterBytes) adapter = loadAdapter(checkpoint.params, readAdapter(adapterBytes), {...checkpoint, sha256});
  } catch (error) {
    disposeParams(checkpoint.params);
    if (error instanceof LoraError) throw new CliError(`${adapterPath}: ${error.message}`);
    throw error;
  }
  const release = () => {
    if (adapter) detachLora(adapter);
    disposeParams(checkpoint.params);
  };
  return {...checkpoint, adapter, sha256, release};
}

/** Writes bytes to path, or fails with one line naming it. */
export function writeFile(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${reason(error)}`);
  }
}

export const merge: Command = {
  summary: "fold a LoRA adapter into its base checkpoint and save the result as an ordinary checkpoint",
  usage: `tinygpt merge --checkpoint BASE.safetensors --adapter ADAPTER.safetensors --out MERGED.safetensors

  --checkpoint BASE  the checkpoint the adapter was trained on (its sha256 must match the adapter's record)
  --adapter FILE     an adapter written by tinygpt finetune
  --out FILE         the merged model: nanoGPT's names, W + (α/r)·B·A in every adapted weight`,
  async run(argv, out) {
    const values = parseOptions(argv, {checkpoint: {type: "string"}, adapter: {type: "string"}, out: {type: "string"}});
    const path = required(values.checkpoint, "--checkpoint");
    const adapterPath = required(values.adapter, "--adapter");
    const outPath = required(values.out, "--out");
    await initBackend();
    const model = await loadAdapted(path, adapterPath);
    let bytes: Uint8Array;
    try {
      mergeAdapter(model.adapter!);
      const {r, alpha, targets, layers} = model.adapter!.config;
      const merged = {r, lora_alpha: alpha, target_modules: targets, layers_to_transform: layers, base: model.sha256};
      const {training} = model.extra.metadata; // the base's record (its optimizer state is not carried over)
      const metadata = {...(training ? {training} : {}), lora_merged: JSON.stringify(merged)};
      bytes = saveCheckpoint(model.params, model.tokenizer, {metadata});
    } finally {
      model.release();
    }
    writeFile(outPath, bytes);
    out(`wrote ${outPath}: ${path} with ${adapterPath} merged into ${model.adapter!.modules.length} weights`);
  }
};
