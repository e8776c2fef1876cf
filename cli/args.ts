// Command-line plumbing: the two kinds of failure, option parsing, and reading the values and files options name.
import {readFileSync} from "node:fs";
import {parseArgs} from "node:util";
import {initBackend, isBackendName} from "../src/gpt/backend.js";
import {CheckpointError, loadCheckpoint, type Checkpoint} from "../src/gpt/checkpoint.js";
import {ConfigError, makeConfig, type GPTConfig} from "../src/gpt/config.js";
import {PRESETS, isPresetName} from "../src/gpt/presets.js";
import {TextError, decodeText} from "../src/gpt/limits.js";

/** A failure the user can fix: printed as one line, exit status 1 (bad file or data) by default. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1
  ) {
    super(message);
  }
}

/** A malformed command line (unknown command or option, missing or malformed value): exit status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

export type OptionSpec = Record<string, {type: "string" | "boolean"}>;

/** Parses argv strictly against options (plus --help); node's messages become one-line UsageErrors. */
export function parseOptions<O extends OptionSpec>(argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: {...options, help: {type: "boolean"}},
      strict: true,
      allowPositionals: false
    }).values as {[K in keyof O]?: O[K]["type"] extends "string" ? string : boolean} & {help?: boolean};
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\n/g, " "));
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new UsageError(`${flag} is required`);
  return value;
}

/** A non-negative integer, e.g. a seed. */
export function parseInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} (${JSON.stringify(text)}) must be a non-negative integer`);
  }
  return n;
}

/** "3,1,4" → [3, 1, 4]. */
export function parseTokens(text: string): number[] {
  if (!/^\s*\d+\s*(,\s*\d+\s*)*$/.test(text)) {
    throw new UsageError(
      `--tokens (${JSON.stringify(text)}) must be comma-separated non-negative integers, e.g. 3,1,4`
    );
  }
  return text.split(",").map(Number);
}

const REASONS: Record<string, string> = {ENOENT: "no such file", EACCES: "permission denied", EISDIR: "is a directory"};

/** "no such file (ENOENT)", or the error's message. */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${REASONS[code] ?? "failed"} (${code})` : (error as Error).message;
}

export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${reason(error)}`);
  }
}

export const readText = (path: string): string => new TextDecoder().decode(readBytes(path));

/** A text to learn from: refused with a CliError when empty, over MAX_TEXT_BYTES or not UTF-8 text (binary). */
export function readCorpus(path: string): string {
  try {
    return decodeText(readBytes(path), path);
  } catch (error) {
    if (error instanceof TextError) throw new CliError(error.message);
    throw error;
  }
}

/** The config named by exactly one of --preset NAME and --config FILE.json (fields left out take the defaults). */
export function configFrom(values: {preset?: string; config?: string}): {config: GPTConfig; label: string} {
  if ((values.preset === undefined) === (values.config === undefined)) {
    throw new UsageError("give exactly one of --preset NAME and --config FILE.json");
  }
  if (values.preset !== undefined) {
    if (!isPresetName(values.preset)) {
      throw new UsageError(
        `unknown preset ${JSON.stringify(values.preset)}; one of ${Object.keys(PRESETS).join(", ")}`
      );
    }
    return {config: PRESETS[values.preset], label: values.preset};
  }
  const path = values.config!;
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return {config: makeConfig(json as Partial<GPTConfig>), label: path};
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

/** A finite number ≥ min (> min when strict). */
export function parseNumber(text: string | undefined, flag: string, fallback: number, min = 0, strict = false) {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < min || (strict && x === min)) {
    throw new UsageError(`${flag} (${JSON.stringify(text)}) must be a number ${strict ? ">" : "≥"} ${min}`);
  }
  return x;
}

/** Starts the backend --backend names (only that one), or the default order. */
export async function startBackend(name: string | undefined): Promise<string> {
  if (name !== undefined && (!isBackendName(name) || !["cpu", "wasm"].includes(name))) {
    throw new UsageError(`--backend (${JSON.stringify(name)}) must be cpu or wasm`);
  }
  try {
    return (await initBackend(name ? {order: [name]} : {})).active;
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** The checkpoint in a file (or in its bytes, read already); a bad file is a CliError naming it. */
export function loadCheckpointFile(path: string, bytes?: Uint8Array): Checkpoint {
  try {
    return loadCheckpoint(bytes ?? readBytes(path));
  } catch (error) {
    if (error instanceof CheckpointError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
