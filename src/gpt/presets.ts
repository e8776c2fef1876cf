// Named configs: published models and this course's, with where each comes from and whether a page may build it.
import {ConfigError, makeConfig, type GPTConfig} from "./config.js";

export type PresetName =
  | "toy"
  | "addition"
  | "tiny-decoder"
  | "gpt-notebook"
  | "tinygpt"
  | "shakespeare-char"
  | "gpt2"
  | "gpt2-medium"
  | "gpt2-large"
  | "gpt2-xl"
  | "gpt3-small"
  | "gpt3-medium"
  | "gpt3-large"
  | "gpt3-xl"
  | "gpt3-2.7b"
  | "gpt3-6.7b"
  | "gpt3-13b"
  | "gpt3-175b";

const NO_BIAS = {qkvBias: false, projBias: false, mlpBias: false, lnBias: false} as const;
// GPT-2 uses the tanh approximation of GELU ("gelu_new" in Hugging Face).
const gpt2 = (nLayer: number, nHead: number, nEmbd: number): GPTConfig =>
  makeConfig({vocabSize: 50257, blockSize: 1024, nLayer, nHead, nEmbd, activation: "gelu_tanh"});
// GPT-3 is GPT-2's model with a context of 2048 (Brown et al. 2020, table 2.1), dFF = 4C.
const gpt3 = (nLayer: number, nHead: number, nEmbd: number): GPTConfig =>
  makeConfig({vocabSize: 50257, blockSize: 2048, nLayer, nHead, nEmbd, activation: "gelu_tanh"});

export const PRESETS: Readonly<Record<PresetName, GPTConfig>> = Object.freeze({
  toy: makeConfig({
    ...{vocabSize: 23, blockSize: 32, nLayer: 3, nHead: 4, nEmbd: 32, dFF: 128, activation: "relu", dropout: 0.3},
    ...{qkvBias: false, tieWeights: false, headBias: true}
  }),
  addition: makeConfig({vocabSize: 12, blockSize: 12, nLayer: 4, nHead: 4, nEmbd: 64, dFF: 256}),
  "tiny-decoder": makeConfig({
    ...{vocabSize: 40, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 32, dFF: 64, activation: "relu", norm: "post"},
    ...{tieWeights: false, headBias: true, finalNorm: false}
  }),
  "gpt-notebook": makeConfig({
    ...{vocabSize: 10000, blockSize: 512, nLayer: 4, nHead: 4, nEmbd: 256, dFF: 1024},
    ...{qkvBias: false, projBias: false}
  }),
  tinygpt: makeConfig({
    vocabSize: 65,
    blockSize: 512,
    nLayer: 4,
    nHead: 4,
    nEmbd: 256,
    dropout: 0.1,
    positional: "sinusoidal"
  }),
  "shakespeare-char": makeConfig({
    vocabSize: 65,
    blockSize: 256,
    nLayer: 6,
    nHead: 6,
    nEmbd: 384,
    dropout: 0.2,
    ...NO_BIAS
  }),
  gpt2: gpt2(12, 12, 768),
  "gpt2-medium": gpt2(24, 16, 1024),
  "gpt2-large": gpt2(36, 20, 1280),
  "gpt2-xl": gpt2(48, 25, 1600),
  "gpt3-small": gpt3(12, 12, 768),
  "gpt3-medium": gpt3(24, 16, 1024),
  "gpt3-large": gpt3(24, 16, 1536),
  "gpt3-xl": gpt3(24, 16, 2048),
  "gpt3-2.7b": gpt3(32, 32, 2560),
  "gpt3-6.7b": gpt3(32, 32, 4096),
  "gpt3-13b": gpt3(40, 40, 5120),
  "gpt3-175b": gpt3(96, 96, 12288)
});

const GPT3: readonly PresetName[] = [
  "gpt3-small",
  "gpt3-medium",
  "gpt3-large",
  "gpt3-xl",
  "gpt3-2.7b",
  "gpt3-6.7b",
  "gpt3-13b",
  "gpt3-175b"
];

/** Presets too large to instantiate in a page: count their parameters, do not build them. */
export const COUNT_ONLY: ReadonlySet<PresetName> = new Set([
  "gpt-notebook",
  "gpt2",
  "gpt2-medium",
  "gpt2-large",
  "gpt2-xl",
  ...GPT3
]);

/** Where each preset comes from and which counting convention its published figure uses. */
export const PRESET_NOTES: Readonly<Record<PresetName, string>> = Object.freeze({
  toy: "A small textbook-style decoder (ReLU, dropout 0.3, no qkv bias, untied head with bias); no published total.",
  addition:
    "A 4-layer model for learning multi-digit addition; its published 200,832 excludes the 768 position weights (201,600 in all).",
  "tiny-decoder":
    "A 2-layer post-norm decoder in the 2017 style (no final LayerNorm, untied head with bias); its published 20,712 counts everything.",
  "gpt-notebook":
    "A 10k-token GPT from a notebook, without attention biases; its published 5,846,528 counts everything, positions included.",
  tinygpt:
    "This course's model: character vocabulary (pages set vocabSize from the tokenizer) and sinusoidal positions, which have no weights.",
  "shakespeare-char":
    "nanoGPT's config/train_shakespeare_char.py (bias=False); nanoGPT prints 10.65M, which excludes the position table.",
  gpt2: "OpenAI's GPT-2 small as loaded by nanoGPT; 124,439,808 counts everything, the tied head once.",
  "gpt2-medium": "OpenAI's GPT-2 medium (350M); the usual figure counts everything, the tied head once.",
  "gpt2-large": "OpenAI's GPT-2 large (774M); the usual figure counts everything, the tied head once.",
  "gpt2-xl": "OpenAI's GPT-2 XL (1558M); the usual figure counts everything, the tied head once.",
  "gpt3-small":
    "GPT-3 Small (Brown et al. 2020, table 2.1): GPT-2 small's shape with a context of 2048; published as 125M.",
  "gpt3-medium": "GPT-3 Medium, published as 350M: GPT-2 medium's shape with a context of 2048.",
  "gpt3-large": "GPT-3 Large, published as 760M: 24 layers of width 1536, 16 heads of 96.",
  "gpt3-xl":
    "GPT-3 XL, published as 1.3B. The paper lists 24 heads of 128 on a width of 2048, which do not add up (24 × 128 = 3072); this preset uses 16 heads of 128. The count does not depend on the heads.",
  "gpt3-2.7b": "GPT-3 2.7B: 32 layers of width 2560, 32 heads of 80.",
  "gpt3-6.7b": "GPT-3 6.7B: 32 layers of width 4096, 32 heads of 128.",
  "gpt3-13b":
    "GPT-3 13B. The paper lists a width of 5140, which its 40 heads of 128 do not make; this preset uses 40 × 128 = 5120 (5140 would add about 0.1B: still 13B).",
  "gpt3-175b": "GPT-3 175B: 96 layers of width 12288, 96 heads of 128, a context of 2048."
});

export const isPresetName = (name: unknown): name is PresetName =>
  typeof name === "string" && Object.prototype.hasOwnProperty.call(PRESETS, name);

/** A preset by name, with optional overrides (e.g. `preset("tinygpt", {vocabSize: tokenizer.vocabSize})`). */
export function preset(name: PresetName, overrides: Partial<GPTConfig> = {}): GPTConfig {
  if (!isPresetName(name)) {
    throw new ConfigError([`unknown preset ${JSON.stringify(name)}; one of ${Object.keys(PRESETS).join(", ")}`]);
  }
  if (Object.keys(overrides).length === 0) return PRESETS[name];
  const base = PRESETS[name];
  // A new width keeps the preset's MLP ratio unless dFF is given too.
  const dFF = overrides.dFF ?? (overrides.nEmbd ? Math.round((base.dFF / base.nEmbd) * overrides.nEmbd) : base.dFF);
  return makeConfig({...base, ...overrides, dFF});
}
