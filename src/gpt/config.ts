// The model's hyperparameters: one flat record (nanoGPT's GPTConfig), its defaults, its checks and named presets.

export interface GPTConfig {
  vocabSize: number; // number of token ids
  blockSize: number; // context length T: the longest sequence the model reads
  nLayer: number; // transformer blocks
  nHead: number; // attention heads per block
  nEmbd: number; // width C of the residual stream
  dFF: number; // hidden width of the MLP; default 4 * nEmbd
  dropout: number; // in [0, 1); default 0
  positional: "learned" | "sinusoidal"; // learned wpe table or fixed sin/cos; default "learned"
  activation: "gelu" | "gelu_tanh" | "relu"; // "gelu" is the exact erf GELU; default "gelu"
  qkvBias: boolean; // bias on attn.c_attn; default true
  projBias: boolean; // bias on attn.c_proj; default true
  mlpBias: boolean; // biases on mlp.c_fc and mlp.c_proj; default true
  lnBias: boolean; // LayerNorm biases; default true
  headBias: boolean; // bias on lm_head; default false, only allowed when tieWeights is false
  tieWeights: boolean; // lm_head reuses wte; default true
  finalNorm: boolean; // ln_f before the head; default true
  norm: "pre" | "post"; // LayerNorm before each sublayer (GPT-2) or after the residual add (2017); default "pre"
  layerNormEps: number; // default 1e-5
}

/** Every field name, in the order above (for forms and tables). */
export const CONFIG_FIELDS: readonly (keyof GPTConfig)[] = [
  "vocabSize",
  "blockSize",
  "nLayer",
  "nHead",
  "nEmbd",
  "dFF",
  "dropout",
  "positional",
  "activation",
  "qkvBias",
  "projBias",
  "mlpBias",
  "lnBias",
  "headBias",
  "tieWeights",
  "finalNorm",
  "norm",
  "layerNormEps"
];

/** Defaults for every field that has one; dFF's default (4 * nEmbd) depends on nEmbd, so it is filled in makeConfig. */
export const DEFAULTS: Readonly<Omit<GPTConfig, "vocabSize" | "blockSize" | "nLayer" | "nHead" | "nEmbd" | "dFF">> =
  Object.freeze({
    dropout: 0,
    positional: "learned",
    activation: "gelu",
    qkvBias: true,
    projBias: true,
    mlpBias: true,
    lnBias: true,
    headBias: false,
    tieWeights: true,
    finalNorm: true,
    norm: "pre",
    layerNormEps: 1e-5
  });

const INTEGERS = ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd", "dFF"] as const;
const BOOLEANS = ["qkvBias", "projBias", "mlpBias", "lnBias", "headBias", "tieWeights", "finalNorm"] as const;
const CHOICES = {
  positional: ["learned", "sinusoidal"],
  activation: ["gelu", "gelu_tanh", "relu"],
  norm: ["pre", "post"]
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "ConfigError";
  }
}

const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** Every problem with a would-be config (empty when it is valid); each message names the field and its value. */
export function validateConfig(config: unknown): string[] {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return [`config must be an object, got ${Array.isArray(config) ? "an array" : show(config)}`];
  }
  const c = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(c)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(key)) problems.push(`unknown field ${JSON.stringify(key)}`);
  }
  for (const key of CONFIG_FIELDS) if (c[key] === undefined) problems.push(`${key} is missing`);
  for (const key of INTEGERS) {
    const v = c[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) > 0)) {
      problems.push(`${key} (${show(v)}) must be a positive integer`);
    }
  }
  for (const key of BOOLEANS) {
    if (c[key] !== undefined && typeof c[key] !== "boolean")
      problems.push(`${key} (${show(c[key])}) must be a boolean`);
  }
  for (const [key, options] of Object.entries(CHOICES)) {
    const v = c[key];
    if (v !== undefined && !(options as readonly unknown[]).includes(v)) {
      problems.push(`${key} (${show(v)}) must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}`);
    }
  }
  const {dropout, layerNormEps, nEmbd, nHead} = c;
  if (dropout !== undefined && !(typeof dropout === "number" && dropout >= 0 && dropout < 1)) {
    problems.push(`dropout (${show(dropout)}) must be in [0, 1)`);
  }
  if (layerNormEps !== undefined && !(typeof layerNormEps === "number" && layerNormEps > 0 && layerNormEps < 1)) {
    problems.push(`layerNormEps (${show(layerNormEps)}) must be in (0, 1)`);
  }
  if (Number.isSafeInteger(nEmbd) && Number.isSafeInteger(nHead) && (nHead as number) > 0) {
    if ((nEmbd as number) % (nHead as number) !== 0) {
      problems.push(`nEmbd (${nEmbd}) must be divisible by nHead (${nHead})`);
    }
  }
  if (c.positional === "sinusoidal" && Number.isSafeInteger(nEmbd) && (nEmbd as number) % 2 !== 0) {
    problems.push(`nEmbd (${nEmbd}) must be even for sinusoidal positions`);
  }
  if (c.headBias === true && c.tieWeights !== false) problems.push("headBias requires tieWeights = false");
  return problems;
}

/** A config from the required fields (vocabSize, blockSize, nLayer, nHead, nEmbd) plus any overrides; throws ConfigError. */
export function makeConfig(partial: Partial<GPTConfig>): GPTConfig {
  if (typeof partial !== "object" || partial === null || Array.isArray(partial))
    throw new ConfigError(validateConfig(partial));
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const nEmbd = given.nEmbd;
  const config: Record<string, unknown> = {
    ...DEFAULTS,
    ...(Number.isSafeInteger(nEmbd) ? {dFF: 4 * (nEmbd as number)} : {}),
    ...given
  };
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError(problems);
  // Fields in declaration order, so configs print and serialise alike.
  return Object.freeze(Object.fromEntries(CONFIG_FIELDS.map((key) => [key, config[key]]))) as unknown as GPTConfig;
}

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
  | "gpt2-xl";

const NO_BIAS = {qkvBias: false, projBias: false, mlpBias: false, lnBias: false} as const;
// GPT-2 uses the tanh approximation of GELU ("gelu_new" in Hugging Face).
const gpt2 = (nLayer: number, nHead: number, nEmbd: number): GPTConfig =>
  makeConfig({vocabSize: 50257, blockSize: 1024, nLayer, nHead, nEmbd, activation: "gelu_tanh"});

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
  "gpt2-xl": gpt2(48, 25, 1600)
});

/** Presets too large to instantiate in a page: count their parameters, do not build them. */
export const COUNT_ONLY: ReadonlySet<PresetName> = new Set([
  "gpt-notebook",
  "gpt2",
  "gpt2-medium",
  "gpt2-large",
  "gpt2-xl"
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
  "gpt2-xl": "OpenAI's GPT-2 XL (1558M); the usual figure counts everything, the tied head once."
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
