// Chapter 11's last section: the adapter merged into the weights (and the logits compared), the adapter and the
// merged model as files, and an adapter file loaded back onto a fresh copy of the base.
import * as tf from "@tinygpt/tf";
import {encodeCheckpoint, loadCheckpoint} from "../../gpt/checkpoint.js";
import {detachLora, mergeAdapter, type Adapter} from "../../gpt/lora.js";
import {loadAdapter, readAdapter, saveAdapter} from "../../gpt/loraFile.js";
import {forward} from "../../gpt/model.js";
import {disposeParams, namedParams, type Params} from "../../gpt/params.js";
import {downloadBytes} from "../checkpoints/checkpointStore.js";
import {formatBytes} from "./loraCounts.js";
import type {Base} from "./loraData.js";
import type {SideBySide} from "./sideBySide.js";

/** The logits of one sequence of ids, read back flat. */
async function logitsOf(params: Params, ids: readonly number[]): Promise<Float32Array> {
  const idx = [ids as number[]];
  const logits = tf.tidy(() => forward(params, tf.tensor2d(idx, [1, ids.length], "int32"), {checkIds: false})); // (1, T, V)
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return values;
}

/** The largest |a − b|, and that over the largest |b|. */
function difference(a: Float32Array, b: Float32Array): {max: number; relative: number} {
  let [max, scale] = [0, 0];
  a.forEach((v, i) => ((max = Math.max(max, Math.abs(v - b[i]))), (scale = Math.max(scale, Math.abs(b[i])))));
  return {max, relative: max / scale};
}

export interface MergeCheck {
  max: number; // largest |merged − adapted| logit
  relative: number; // over the largest |adapted| logit
  fromBase: number; // largest |adapted − base| logit, for scale
  merged: Uint8Array; // the merged model as an ordinary checkpoint
}

/**
 * Merges the adapter into a fresh copy of the base (through its file, as a reader would) and compares that model's
 * logits on ids with the adapted model's and the base's; returns the merged checkpoint's bytes. The adapted model
 * itself is left as it is (merging and unmerging it would leave W off by float32 rounding).
 */
export async function mergeCheck(params: Params, adapter: Adapter, base: Base, ids: number[]): Promise<MergeCheck> {
  const file = readAdapter(await saveAdapter(adapter, base));
  const {params: copy} = loadCheckpoint(base.bytes);
  try {
    const original = await logitsOf(copy, ids);
    const adapted = await logitsOf(params, ids);
    const copied = loadAdapter(copy, file, base);
    mergeAdapter(copied);
    const merged = await logitsOf(copy, ids);
    detachLora(copied); // the merge stays in the weights
    const weights = await Promise.all(namedParams(copy).map(({variable}) => variable.data() as Promise<Float32Array>));
    const bytes = encodeCheckpoint(copy.config, weights, base.tokenizer);
    return {...difference(merged, adapted), fromBase: difference(adapted, original).max, merged: bytes};
  } finally {
    disposeParams(copy);
  }
}

/** mergeCheck of a run's adapter on its probe; the merged checkpoint is kept on the run for its download. */
export async function mergeRun(run: SideBySide, base: Base): Promise<MergeCheck> {
  const check = await run.use(() => mergeCheck(run.lora.params, run.adapter, base, run.probe));
  run.merged = check.merged;
  return check;
}

/** The merged model's file, once merged. */
export function mergedFile(run: SideBySide): {bytes: Uint8Array; name: string} {
  if (!run.merged) throw new Error("merge first");
  return {bytes: run.merged, name: "shakespeare-merged.safetensors"};
}

/** The run's adapter file: PEFT's names and layouts, its config, the base's sha256 and tokenizer. */
export async function adapterFile(run: SideBySide, base: Base): Promise<{bytes: Uint8Array; name: string}> {
  const bytes = await run.use(() => saveAdapter(run.adapter, base));
  return {bytes, name: `lora-r${run.adapter.config.r}.safetensors`};
}

export interface Reloaded {
  r: number;
  targets: string;
  max: number; // largest |reloaded − in-page| logit on the probe
}

/**
 * Loads an adapter file onto a fresh copy of the base and compares its logits on the run's probe with the run's
 * adapted model's. Throws (a LoraError naming the mismatch) for a file that is not an adapter of this base.
 */
export async function reloadAdapter(run: SideBySide, base: Base, bytes: Uint8Array): Promise<Reloaded> {
  const file = readAdapter(bytes);
  return run.use(async () => {
    const {params: fresh} = loadCheckpoint(base.bytes);
    try {
      const adapter = loadAdapter(fresh, file, base);
      const [reloaded, inPage] = [await logitsOf(fresh, run.probe), await logitsOf(run.lora.params, run.probe)];
      detachLora(adapter);
      return {r: file.config.r, targets: file.config.targets.join(", "), max: difference(reloaded, inPage).max};
    } finally {
      disposeParams(fresh);
    }
  });
}

/** Offers a file as a download; returns a note of its size. */
export function offer({bytes, name}: {bytes: Uint8Array; name: string}): HTMLElement {
  downloadBytes(bytes, name);
  const note = document.createElement("p");
  note.className = "tg-note";
  note.textContent = `${name}: ${formatBytes(bytes.length)}.`;
  return note;
}
