// The model's hyperparameters: one flat record (nanoGPT's GPTConfig), its defaults and its checks (presets.ts names some).

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
