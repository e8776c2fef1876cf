// The reader's model: the sample text and hyperparameters every chapter builds on, declared as a table of fields
// (TensorFlow Playground's state.ts) that round-trips through the URL query and localStorage (modelStorage.ts).
// Pure: no DOM here.
import {DEFAULTS, makeConfig, validateConfig, type GPTConfig} from "../../gpt/config.js";
import {CharTokenizer, UNK} from "../../gpt/tokenizer.js";

export interface ReaderModel {
  text: string; // the sample text: its characters are the vocabulary, its first blockSize characters the context
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dFF: number;
  positional: GPTConfig["positional"];
  activation: GPTConfig["activation"];
  norm: GPTConfig["norm"];
  seed: number;
}

export type ModelKey = keyof ReaderModel;

/** The reader's model but for its seed: what sets a page's sizes, labels and controls, but not its numbers. */
export type ModelSizes = Omit<ReaderModel, "seed">;

/** One persisted field: how it is shown, parsed and bounded. Bounds keep every chapter's views readable and quick. */
export type Field =
  | {key: ModelKey; label: string; kind: "int"; min: number; max: number; help: string}
  | {key: ModelKey; label: string; kind: "choice"; options: readonly string[]; help: string}
  | {key: ModelKey; label: string; kind: "text"; maxLength: number; help: string};

export const FIELDS: readonly Field[] = [
  {key: "text", label: "sample text", kind: "text", maxLength: 200, help: "its characters are the vocabulary"},
  {key: "blockSize", label: "blockSize", kind: "int", min: 1, max: 64, help: "context length T: tokens read at once"},
  {key: "nEmbd", label: "nEmbd", kind: "int", min: 1, max: 128, help: "width C of every token's vector"},
  {key: "nHead", label: "nHead", kind: "int", min: 1, max: 8, help: "attention heads; must divide nEmbd"},
  {key: "nLayer", label: "nLayer", kind: "int", min: 1, max: 4, help: "transformer blocks"},
  {key: "dFF", label: "dFF", kind: "int", min: 1, max: 512, help: "hidden width of the MLP"},
  {key: "positional", label: "positional", kind: "choice", options: ["learned", "sinusoidal"], help: "positions"},
  {key: "activation", label: "activation", kind: "choice", options: ["gelu", "gelu_tanh", "relu"], help: "MLP"},
  {key: "norm", label: "norm", kind: "choice", options: ["pre", "post"], help: "LayerNorm before or after"},
  {key: "seed", label: "seed", kind: "int", min: 0, max: 2 ** 31 - 1, help: "initial weights"}
];

export const DEFAULT_MODEL: Readonly<ReaderModel> = Object.freeze({
  text: "to be or not to be",
  blockSize: 16,
  nEmbd: 16,
  nHead: 2,
  nLayer: 2,
  dFF: 64,
  positional: "learned",
  activation: "gelu",
  norm: "pre",
  seed: 1337
});

const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** One field's value from a string (URL, form) or a JSON value (storage); a message naming the field otherwise. */
export function parseField(field: Field, raw: unknown): {value: string | number} | {problem: string} {
  const {key} = field;
  if (field.kind === "text") {
    if (typeof raw !== "string") return {problem: `${key} must be text`};
    if (raw.length === 0) return {problem: `${key} is empty: type at least one character`};
    const n = [...raw].length;
    if (n > field.maxLength) return {problem: `${key} has ${n} characters; at most ${field.maxLength} here`};
    return {value: raw};
  }
  if (field.kind === "choice") {
    if (!field.options.includes(raw as string)) {
      return {
        problem: `${key} (${show(raw)}) must be one of ${field.options.map((o) => JSON.stringify(o)).join(", ")}`
      };
    }
    return {value: raw as string};
  }
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : null;
  if (text === null || !/^-?\d+$/.test(text)) return {problem: `${key} (${show(raw)}) must be a whole number`};
  const value = Number(text);
  if (value < field.min || value > field.max) {
    return {problem: `${key} (${value}) must be between ${field.min} and ${field.max} here`};
  }
  return {value};
}

/** The GPT config of a reader's model: vocabSize comes from the text. Throws ConfigError when invalid. */
export const toConfig = (model: ModelSizes): GPTConfig => makeConfig(configFields(model));

/** Every problem with a would-be model, field by field and then as a whole (validateConfig's messages). */
export function checkModel(raw: Readonly<Record<string, unknown>>): {model: ReaderModel | null; problems: string[]} {
  const problems: string[] = [];
  const model: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const parsed = parseField(field, raw[field.key]);
    if ("problem" in parsed) problems.push(parsed.problem);
    else model[field.key] = parsed.value;
  }
  if (problems.length > 0) return {model: null, problems};
  const m = model as unknown as ReaderModel;
  const whole = validateConfig(configFields(m));
  return whole.length > 0 ? {model: null, problems: whole} : {model: Object.freeze(m), problems: []};
}

function configFields(model: ModelSizes): Partial<GPTConfig> {
  const {blockSize, nEmbd, nHead, nLayer, dFF, positional, activation, norm} = model;
  const vocabSize = CharTokenizer.fromText(model.text).vocabSize;
  return {...DEFAULTS, vocabSize, blockSize, nLayer, nHead, nEmbd, dFF, positional, activation, norm};
}

/** The tokens the model reads: the text's first blockSize characters, as tokens and ids. */
export function contextOf(model: ModelSizes): {tokenizer: CharTokenizer; tokens: string[]; ids: number[]} {
  const tokenizer = CharTokenizer.fromText(model.text);
  const tokens = [...model.text].slice(0, model.blockSize);
  return {tokenizer, tokens, ids: tokenizer.encode(tokens.join(""))};
}

/** One line describing the model, for the panel. */
export function describeModel(model: ReaderModel): string {
  const V = CharTokenizer.fromText(model.text).vocabSize;
  const T = Math.min([...model.text].length, model.blockSize);
  return [
    `vocab ${V}`,
    `T ${T} of ${model.blockSize}`,
    `C ${model.nEmbd}`,
    `${model.nHead} head${model.nHead > 1 ? "s" : ""} × ${model.nEmbd / model.nHead}`,
    `${model.nLayer} layer${model.nLayer > 1 ? "s" : ""}`,
    `dFF ${model.dFF}`,
    `${model.positional} positions`,
    model.activation,
    `${model.norm}-norm`,
    `seed ${model.seed}`
  ].join(" · ");
}

/** A text through a tokenizer both ways: strict (the error, if any) and with an <unk> id appended to the vocabulary. */
export function probeText(tokenizer: CharTokenizer, text: string) {
  let error: string | null = null;
  try {
    tokenizer.encode(text);
  } catch (e) {
    error = (e as Error).message;
  }
  const withUnk = new CharTokenizer([...tokenizer.vocab, UNK]);
  const unkId = withUnk.unkId!;
  const ids = withUnk.encode(text, {unknown: "unk"});
  const unknown = ids.flatMap((id, t) => (id === unkId ? [t] : []));
  return {error, ids, unknown, unkId, decoded: withUnk.decode(ids)};
}
