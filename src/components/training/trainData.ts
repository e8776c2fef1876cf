// What chapter 8 trains on: the addition task, the project's own corpora, or a text the reader gives (a file, a
// paste or a URL). Text from the reader is only ever data here: it is tokenised, never shown as HTML.
import type {Checkpoint} from "../../gpt/checkpoint.js";
import {checkpointInfo, trainedOn} from "../../gpt/checkpointInfo.js";
import {additionTask, type AdditionTask} from "../../gpt/data/addition.js";
import {CORPORA} from "../../gpt/data/corpora.js";
import {charCorpus, type Dataset} from "../../gpt/data/corpus.js";
import {CharTokenizer} from "../../gpt/tokenizer.js";
import {decodeText, MAX_TEXT_BYTES} from "../../gpt/limits.js";
import {textBytes} from "../../gpt/perByte.js";
import {trainBpe, type BpeTokenizer, type Tokenizer} from "../../gpt/tokenizer.js";

export const DATA_CHOICES = ["addition", "toy sentences", "fables", "your text"] as const;
export type DataChoice = (typeof DATA_CHOICES)[number];

/** How a text is read: its characters, or a byte-level BPE of N tokens learned from it (tinygpt train's bpe:N). */
export const TOKENIZER_CHOICES = ["characters", "BPE, 300 tokens", "BPE, 512 tokens"] as const;
export type TokenizerChoice = (typeof TOKENIZER_CHOICES)[number];

/** The vocabulary size a BPE choice names, or null for characters. */
export function bpeSize(choice: TokenizerChoice): number | null {
  const n = /^BPE, ([\d,]+) tokens$/.exec(choice)?.[1];
  return n ? Number(n.replace(",", "")) : null;
}

/** The value of the data control: a choice, and for "your text" the text and where it came from. */
export interface DataSource {
  choice: DataChoice;
  text: string | null;
  origin: string | null; // "pasted", a file name or a URL
}

/** karpathy/char-rnn's tinyshakespeare: fetched only when the reader asks for it. */
export const TINY_SHAKESPEARE_URL =
  "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt";

const TEXT_LIMITS = Object.freeze({minChars: 1000, maxVocab: 256});

/** A file's or a download's bytes as text (the library's checks: not empty, at most 10 MB, UTF-8, no NUL). */
export const readText = (bytes: Uint8Array, name: string): string => decodeText(bytes, name);

/** Why a text cannot be trained on here, whatever reads it, or null (a byte-level BPE reads any text). */
export function checkText(text: string): string | null {
  const n = text.length;
  if (n < TEXT_LIMITS.minChars) return `the text has ${n} characters; give at least ${TEXT_LIMITS.minChars}`;
  if (text.includes("\u0000")) return "the text contains NUL characters: is it a binary file?";
  return null;
}

/** Why this tokenizer cannot read the source's text, or null: a character vocabulary holds 256 characters at most. */
export function readingProblem(source: DataSource, reading: TokenizerChoice): string | null {
  if (bpeSize(reading) !== null || source.choice !== "your text" || !source.text) return null;
  const distinct = new Set(source.text).size;
  if (distinct <= TEXT_LIMITS.maxVocab) return null;
  return `the text has ${distinct} distinct characters; at most ${TEXT_LIMITS.maxVocab} make a character vocabulary here (a BPE reads any text)`;
}

/** The text at an http(s) URL; throws an Error saying what went wrong (bad address, network, CORS, size, type). */
export async function fetchText(address: string, signal?: AbortSignal): Promise<string> {
  let url: URL;
  try {
    url = new URL(address.trim(), location.href);
  } catch (error) {
    throw new Error("that is not a web address", {cause: error});
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("only http and https addresses");
  let response: Response;
  try {
    response = await fetch(url, {credentials: "omit", signal});
  } catch (error) {
    if (signal?.aborted) throw new Error("cancelled", {cause: error});
    const why = `could not fetch it (${(error as Error).message}); the server may not let other sites read it`;
    throw new Error(why, {cause: error});
  }
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  const type = response.headers.get("content-type") ?? "";
  if (type && !/^text\/|json|xml|octet-stream/.test(type)) throw new Error(`it is ${type}, not text`);
  const size = Number(response.headers.get("content-length") ?? 0);
  if (size > MAX_TEXT_BYTES) throw new Error(`it is ${(size / 1e6).toFixed(1)} MB; at most 10 MB here`);
  return readText(new Uint8Array(await response.arrayBuffer()), "it");
}

/** A dataset ready for the training loop, with what the page shows about it. */
export interface TrainData {
  dataset: Dataset;
  addition: AdditionTask | null;
  vocab: string[];
  T: number; // the sequence length of every batch
  sizes: {train: number; val: number; unit: string};
  describe: Record<string, unknown>; // saved in a checkpoint's training record
  label: string;
  prompt: number[]; // ids the samples start from
  note: string | null; // why T is shorter than the model's blockSize, when it is
  tokenizer: string | null; // a text's tokenizer as tinygpt train's --tokenizer names it: "char" or "bpe:N"
  valText: {tokens: number; bytes: number} | null; // a text's validation split: its tokens and their UTF-8 bytes
}

/** The dataset of a source for a model with the given blockSize; the seed draws the batches. */
export function trainData(
  source: DataSource,
  blockSize: number,
  seed: number,
  reading: TokenizerChoice = "characters"
): TrainData {
  if (source.choice === "addition") {
    const addition = additionTask({seed});
    const T = addition.blockSize;
    return {
      ...{dataset: addition, addition, vocab: [...addition.tokenizer.vocab], T},
      sizes: {train: addition.train.length, val: addition.test.length, unit: "sums"},
      describe: {task: "addition", seed, nTrain: addition.train.length, nTest: addition.test.length},
      ...{label: "the addition task", prompt: [], note: null, tokenizer: null, valText: null}
    };
  }
  const text = corpusText(source);
  const problem = checkText(text) ?? readingProblem(source, reading);
  if (problem && source.choice === "your text") throw new Error(problem);
  const n = bpeSize(reading);
  const tokenizer: Tokenizer = n === null ? CharTokenizer.fromText(text) : learnedBpe(text, n);
  const length = tokenizer.encode(text).length;
  const maxT = length - Math.floor(0.9 * length) - 1; // the validation split must be longer than a window
  const T = Math.min(blockSize, maxT);
  const corpus = charCorpus(text, {blockSize: T, seed, tokenizer});
  const label = source.choice === "your text" ? (source.origin ?? "your text") : `the ${source.choice}`;
  const unit = n === null ? "characters" : "tokens";
  const vocab = Array.from({length: tokenizer.vocabSize}, (_, id) => tokenizer.tokenString(id));
  return {
    ...{dataset: corpus, addition: null, vocab, T},
    sizes: {train: corpus.train.length, val: corpus.val.length, unit},
    describe: source.choice === "your text" ? {text: source.origin ?? "your text"} : {corpus: source.choice},
    ...{label, prompt: Array.from(corpus.val.subarray(0, 8))},
    note:
      [
        T < blockSize ? `the validation split of ${label} fits windows of ${T}` : "",
        n !== null && tokenizer.vocabSize < n
          ? `${label} runs out of pairs to merge at ${tokenizer.vocabSize} tokens`
          : ""
      ]
        .filter(Boolean)
        .join("; ") || null,
    tokenizer: n === null ? "char" : `bpe:${tokenizer.vocabSize}`,
    valText: {tokens: corpus.val.length, bytes: textBytes(tokenizer, corpus.val)}
  };
}

/**
 * A byte-level BPE of n tokens learned from the text with GPT-2's pre-split, as tinygpt train --tokenizer bpe:n; fewer
 * when the text runs out of pairs first (the same merges as bpe:m for the m it reaches).
 */
function learnedBpe(text: string, n: number): BpeTokenizer {
  if (lastBpe?.text !== text || lastBpe.n !== n)
    lastBpe = {text, n, tokenizer: trainBpe(text, {vocabSize: n, pattern: "gpt2", allowFewer: true})};
  return lastBpe.tokenizer;
}

let lastBpe: {text: string; n: number; tokenizer: BpeTokenizer} | null = null;

function corpusText(source: DataSource): string {
  if (source.choice === "toy sentences") return CORPORA.toy();
  if (source.choice === "fables") return (cachedFables ??= CORPORA.fables());
  if (!source.text) throw new Error("give a text first: a file, a paste or a URL");
  return source.text;
}

let cachedFables: string | null = null;

/** What a model saved from a run on this data was trained on, its tokenizer named: "the fables as 300 BPE tokens". */
export function savedLabel(data: TrainData): string {
  if (data.tokenizer === null) return data.label;
  return data.tokenizer === "char" ? `${data.label} in characters` : `${data.label} as ${data.vocab.length} BPE tokens`;
}

/** Why a checkpoint cannot go on training on this data (another vocabulary, too short a context), or null. */
export function fitProblem(checkpoint: Checkpoint, data: TrainData): string | null {
  const tokenizer = checkpoint.tokenizer;
  const vocab = tokenizer ? Array.from({length: tokenizer.vocabSize}, (_, id) => tokenizer.tokenString(id)) : [];
  if (vocab.join("\u0000") !== data.vocab.join("\u0000")) {
    const trained = trainedOn(checkpointInfo(checkpoint.extra.metadata).training);
    const said = trained ? ` (it was trained on ${trained})` : "";
    return `its ${vocab.length}-token vocabulary is not that of ${data.label}${said}: choose that data above, then load it`;
  }
  const T = checkpoint.config.blockSize;
  return T < data.T ? `it reads ${T} tokens at most; this data needs ${data.T}` : null;
}

/** "tinygpt-the-toy-sentences-step24.safetensors". */
export function fileName(label: string, step: number): string {
  const slug =
    label
      .replace(/[^\w]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "model";
  return `tinygpt-${slug}-step${step}.safetensors`;
}
