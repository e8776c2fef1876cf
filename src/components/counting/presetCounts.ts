// Chapter 6's presets: the figure each is published with and the counting convention it uses, the switches the page
// offers (tied head, biases, positions), the memory a count implies, and the check against instantiated weights.
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../gpt/config.js";
import {COUNT_ONLY, PRESETS, type PresetName} from "../../gpt/presets.js";
import {disposeParams, initParams, namedParams} from "../../gpt/params.js";
import {countParams} from "../../gpt/count.js";

/** How a published figure counts: every weight, or without the position table (nanoGPT's get_num_params()). */
export type Convention = "total" | "excludingPositions";

export interface Published {
  figure: string; // as printed by its source
  value: number; // the figure as a number
  step: number; // its precision: 1 for an exact count, 1e4 for "10.65M", 1e6 for "124M"
  convention: Convention;
}

/** The figure each preset is known by (none for the toy model and this course's own). */
export const PUBLISHED: Readonly<Partial<Record<PresetName, Published>>> = Object.freeze({
  addition: {figure: "200,832", value: 200_832, step: 1, convention: "excludingPositions"},
  "tiny-decoder": {figure: "20,712", value: 20_712, step: 1, convention: "total"},
  "gpt-notebook": {figure: "5,846,528", value: 5_846_528, step: 1, convention: "total"},
  "shakespeare-char": {figure: "10.65M", value: 10_650_000, step: 10_000, convention: "excludingPositions"},
  gpt2: {figure: "124,439,808", value: 124_439_808, step: 1, convention: "total"},
  "gpt2-medium": {figure: "355M", value: 355_000_000, step: 1_000_000, convention: "total"},
  "gpt2-large": {figure: "774M", value: 774_000_000, step: 1_000_000, convention: "total"},
  "gpt2-xl": {figure: "1558M", value: 1_558_000_000, step: 1_000_000, convention: "total"},
  // GPT-3's paper gives each size rounded, to its last non-zero digit ("350M" to tens of millions).
  "gpt3-small": {figure: "125M", value: 125e6, step: 1e6, convention: "total"},
  "gpt3-medium": {figure: "350M", value: 350e6, step: 1e7, convention: "total"},
  "gpt3-large": {figure: "760M", value: 760e6, step: 1e7, convention: "total"},
  "gpt3-xl": {figure: "1.3B", value: 1.3e9, step: 1e8, convention: "total"},
  "gpt3-2.7b": {figure: "2.7B", value: 2.7e9, step: 1e8, convention: "total"},
  "gpt3-6.7b": {figure: "6.7B", value: 6.7e9, step: 1e8, convention: "total"},
  "gpt3-13b": {figure: "13B", value: 13e9, step: 1e9, convention: "total"},
  "gpt3-175b": {figure: "175B", value: 175e9, step: 1e9, convention: "total"}
});

/** Whether a count, rounded to the figure's precision, is the published figure. */
export const matches = (count: number, p: Published): boolean => Math.round(count / p.step) * p.step === p.value;

/** How far a count lands from a published figure, relative to the figure: +0.0168 for 355.9M against "350M". */
export const offBy = (count: number, p: Published): number => (count - p.value) / p.value;

export type Switch<T> = "as is" | T;
export interface Switches {
  head: Switch<"tied" | "untied">;
  biases: Switch<"all" | "none">;
  positional: Switch<GPTConfig["positional"]>;
}

/** A config with the chapter's switches applied; an untied head keeps its bias only where the preset had one. */
export function withSwitches(base: GPTConfig, s: Switches): GPTConfig {
  const over: Partial<GPTConfig> = {};
  if (s.head !== "as is") over.tieWeights = s.head === "tied";
  const tied = over.tieWeights ?? base.tieWeights;
  over.headBias = !tied && base.headBias;
  if (s.biases !== "as is") {
    const on = s.biases === "all";
    Object.assign(over, {qkvBias: on, projBias: on, mlpBias: on, lnBias: on, headBias: on && !tied});
  }
  if (s.positional !== "as is") over.positional = s.positional;
  return makeConfig({...base, ...over});
}

/** Bytes of float32 training state: the weights, one gradient per weight, and AdamW's m and v. */
export function memory(parameters: number): {weights: number; gradients: number; adam: number; total: number} {
  const weights = 4 * parameters;
  return {weights, gradients: weights, adam: 2 * weights, total: 4 * weights};
}

export const MB = (bytes: number): number => bytes / 1e6;

const UNITS: readonly [number, string][] = [
  [1e12, "TB"],
  [1e9, "GB"],
  [1e6, "MB"],
  [1e3, "kB"]
];

/** Bytes in the largest decimal unit that keeps a number ≥ 1, to three significant digits: "2.79 TB", "0.64 kB". */
export function formatBytes(bytes: number): string {
  const [size, unit] = UNITS.find(([size]) => bytes >= size) ?? UNITS[UNITS.length - 1];
  return `${(bytes / size).toLocaleString("en-US", {maximumSignificantDigits: 3})} ${unit}`;
}

/** Bytes in megabytes, with thousands separators and at most `digits` decimals: "497.8". */
export const formatMB = (bytes: number, digits: number): string =>
  MB(bytes).toLocaleString("en-US", {maximumFractionDigits: digits});

export interface Instantiated {
  parameters: number; // Σ size of every weight tensor namedParams lists
  tensors: number; // how many weight tensors
  bytes: number; // what tf.memory() grew by while they existed
}

/** Builds the model with initParams, counts what was made, and frees it. Throws for COUNT_ONLY presets' configs. */
export function instantiate(config: GPTConfig, seed = 0): Instantiated {
  if (countParams(config).total > 20_000_000) throw new Error("too large to build in a page: count only");
  const before = tf.memory().numBytes;
  const params = initParams(config, seed);
  try {
    const named = namedParams(params);
    const parameters = named.reduce((sum, {variable}) => sum + variable.size, 0);
    return {parameters, tensors: named.length, bytes: tf.memory().numBytes - before};
  } finally {
    disposeParams(params);
  }
}

/** Presets that may be built in a page. */
export const buildable = (name: PresetName): boolean => !COUNT_ONLY.has(name);

/** Every preset as published: its shape, its two counts and its published figure. */
export function presetRows() {
  return (Object.keys(PRESETS) as PresetName[]).map((name) => {
    const config = PRESETS[name];
    const {total, excludingPositions} = countParams(config);
    return {name, config, total, excludingPositions, published: PUBLISHED[name] ?? null, buildable: buildable(name)};
  });
}

export type PresetRow = ReturnType<typeof presetRows>[number];

/**
 * A config's shape as the presets table shows it: "V · T · L · C · dFF", where a narrow table may break the line only
 * between the data's sizes (V · T) and the blocks' (L · C · dFF).
 */
export const shapeOf = (c: GPTConfig): string =>
  [
    [c.vocabSize, c.blockSize],
    [c.nLayer, c.nEmbd, c.dFF]
  ]
    .map((group) => group.join("\u00a0·\u00a0"))
    .join(" · ");

/**
 * The published figure with ✓ when the count it uses rounds to it, ✗ when not, and for a rounded figure how far the
 * count lands from it ("350M ✗ +1.7%"; a narrow table may break the line only before the percentage); "—" for a preset
 * never published.
 */
export function publishedMark(row: PresetRow): string {
  const p = row.published;
  if (!p) return "—";
  const count = row[p.convention];
  const mark = `${p.figure}\u00a0${matches(count, p) ? "✓" : "✗"}`;
  if (p.step === 1) return mark;
  const off = 100 * offBy(count, p);
  const size = Math.abs(off) >= 0.1 ? Math.abs(off).toFixed(1) : Math.abs(off).toPrecision(2);
  return `${mark} ${off === 0 ? "±0" : `${off < 0 ? "−" : "+"}${size}`}%`;
}
