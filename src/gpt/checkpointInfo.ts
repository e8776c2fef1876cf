// What a checkpoint says it is, from its metadata alone: the training record (JSON under "training", written by
// tinygpt train and chapter 8: the data, then the run's settings) and the tokenizer. Reading it makes no tensor, so a
// page can sort checkpoints (an addition model, a text model) before it loads any of them.
import {CheckpointError} from "./checkpoint.js";
import {isAdditionVocab} from "./data/addition.js";
import {safetensorsMetadata, SafetensorsError} from "./safetensors.js";
import type {TokenizerJSON} from "./tokenizer.js";

/** What a run trained on: a task, one of the project's corpora, a file (tinygpt train) or a reader's text (chapter 8). */
export interface DataRecord {
  task?: string; // "addition"
  corpus?: string;
  file?: string;
  text?: string; // where the reader's text came from: "pasted", a file name or a URL
  seed?: number;
  nTrain?: number;
  nTest?: number;
}

/** A checkpoint's training record: its data, and the run's settings (steps, batch, lr, schedule, …). */
export interface TrainingRecord {
  data?: DataRecord;
  [setting: string]: unknown;
}

export interface CheckpointInfo {
  tokenizer: TokenizerJSON | null; // as stored, not yet checked (loadCheckpoint checks it)
  training: TrainingRecord | null;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** A JSON object from a metadata string; null when absent, not JSON or not an object. */
function parseObject(json: string | undefined): Record<string, unknown> | null {
  if (json === undefined) return null;
  try {
    const value: unknown = JSON.parse(json);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** The info in a checkpoint's metadata strings; a record or tokenizer that is not a JSON object counts as absent. */
export function checkpointInfo(metadata: Readonly<Record<string, string | undefined>>): CheckpointInfo {
  const training = parseObject(metadata.training) as TrainingRecord | null;
  return {tokenizer: parseObject(metadata.tokenizer) as TokenizerJSON | null, training};
}

/** The info of a checkpoint's bytes, reading the safetensors header only; throws CheckpointError for another file. */
export function readCheckpointInfo(bytes: Uint8Array): CheckpointInfo {
  try {
    return checkpointInfo(safetensorsMetadata(bytes));
  } catch (error) {
    throw error instanceof SafetensorsError ? new CheckpointError(error.message) : error;
  }
}

/** What a training record says the model learned from ("addition", "fables", "input.txt"), or null. */
export function trainedOn(training: TrainingRecord | null): string | null {
  const data = isObject(training?.data) ? training.data : {};
  const name = data.task ?? data.corpus ?? data.file ?? data.text;
  return name ? String(name).replace(/^.*\//, "") : null;
}

/**
 * Whether a checkpoint is an addition model: it reads the addition task's 12 characters and, when it has a training
 * record, that record names the addition task.
 */
export function isAdditionModel({tokenizer, training}: CheckpointInfo): boolean {
  const vocab = tokenizer?.type === "char" && Array.isArray(tokenizer.vocab) ? tokenizer.vocab : null;
  const data = isObject(training?.data) ? training.data : null;
  return isAdditionVocab(vocab) && (data === null || data.task === "addition");
}
