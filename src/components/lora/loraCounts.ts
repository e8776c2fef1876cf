// Chapter 11's counts: for a rank and a set of targets, what LoRA trains, keeps and saves against full fine-tuning,
// for the shipped Shakespeare model and GPT-2's four sizes. Everything from the formulas; no tensor is made.
import type {GPTConfig} from "../../gpt/config.js";
import {countParams} from "../../gpt/count.js";
import {LORA_TARGETS, loraCount, type LoraConfig, type LoraTarget} from "../../gpt/lora.js";
import {PRESETS} from "../../gpt/presets.js";

/** The sets of layers the page offers to adapt, in every block. */
export const TARGET_CHOICES: readonly {label: string; targets: readonly LoraTarget[]}[] = [
  {label: "c_attn only (PEFT's default for GPT-2)", targets: ["attn.c_attn"]},
  {label: "attention: c_attn and its c_proj", targets: ["attn.c_attn", "attn.c_proj"]},
  {label: "every Linear layer of a block", targets: LORA_TARGETS}
];

/** GPT-2's four sizes (chapter 6), counted after the model this chapter fine-tunes. */
const GPT2: readonly {id: string; label: string; config: GPTConfig}[] = [
  {id: "gpt2", label: "GPT-2 small", config: PRESETS.gpt2},
  {id: "gpt2-medium", label: "GPT-2 medium", config: PRESETS["gpt2-medium"]},
  {id: "gpt2-large", label: "GPT-2 large", config: PRESETS["gpt2-large"]},
  {id: "gpt2-xl", label: "GPT-2 XL", config: PRESETS["gpt2-xl"]}
];

export interface CountRow {
  id: string;
  label: string;
  total: number; // the model's parameters: what full fine-tuning trains
  lora: number; // what the adapter trains: r·(in + out) per adapted matrix
  share: number; // lora / total
  fullState: number; // bytes of AdamW's m and v for full fine-tuning (two float32 per trained number)
  loraState: number; // for LoRA
  fullFile: number; // bytes of a float32 checkpoint of the whole model
  loraFile: number; // of the adapter alone
}

/** One row per model, the base first, then GPT-2's sizes, for the adapter described (targets in every block). */
export const countRows = (base: GPTConfig, lora: Pick<LoraConfig, "r" | "targets">): CountRow[] =>
  [{id: "base", label: "this chapter's model", config: base}, ...GPT2].map(({id, label, config}) => {
    const total = countParams(config).total;
    const n = loraCount(config, {...lora, alpha: 1, dropout: 0, layers: null});
    return {
      id,
      label,
      total,
      lora: n,
      share: n / total,
      fullState: 8 * total,
      loraState: 8 * n,
      fullFile: 4 * total,
      loraFile: 4 * n
    };
  });

/** Bytes as kB, MB or GB, for the tables. */
export function formatBytes(bytes: number): string {
  const [unit, scale] = bytes >= 1e9 ? ["GB", 1e9] : bytes >= 1e6 ? ["MB", 1e6] : ["kB", 1e3];
  return `${(bytes / scale).toLocaleString("en-US", {maximumFractionDigits: bytes / scale < 10 ? 2 : 1})} ${unit}`;
}

/** "6.43 MB / 262.1 kB": full fine-tuning's bytes, then LoRA's. */
export const bytesPair = (full: number, lora: number): string => `${formatBytes(full)} / ${formatBytes(lora)}`;
