// tinygpt tokenizer train (learn a byte-level BPE from a text) and tinygpt tokenize (a text through any tokenizer).
// Bad input — a vocab size that merges nothing or more than the text allows, an empty or binary corpus, a tokenizer
// file that is not JSON or not a tokenizer, an unknown pattern — is a usage error (status 2).
import {writeFileSync} from "node:fs";
import {decodeText, TextError} from "../src/gpt/limits.js";
import {
  CharTokenizer,
  fromTiktoken,
  isPattern,
  PATTERNS,
  TokenizerError,
  tokenizerFromJSON,
  trainBpe,
  type Tokenizer
} from "../src/gpt/tokenizer.js";
import {CliError, UsageError, parseInteger, parseOptions, readBytes, reason, required} from "./args.js";
import type {Command} from "./commands.js";
import {clock} from "./progress.js";

const S = {type: "string"} as const;

const TRAIN_USAGE = `tinygpt tokenizer train --corpus FILE --vocab-size N --pattern none|gpt2 --out TOK.json [--special TEXT]

  --corpus FILE     the text to learn merges from (UTF-8)
  --vocab-size N    tokens in all: the 256 bytes, N - 256 merges (less one per special token), the special tokens
  --pattern P       none: the text is one sequence; gpt2: GPT-2's split into words, numbers, punctuation and
                    spaces, and no merge crosses two of them
  --special TEXT    a special token (e.g. "<|endoftext|>"), taken out of the corpus whole; it gets the last id
  --out TOK.json    where to write {"type": "bpe", "pattern", "merges": [[a, b], ...], "special": {...}}
Progress goes to stderr; a tie between equally frequent pairs goes to the pair that occurs first in the text.`;

const TOKENIZE_USAGE = `tinygpt tokenize --tokenizer TOK.json|gpt2|char:FILE --text-file F [--json]

  --tokenizer T     a file written by tinygpt tokenizer train (or any {"type": "char" | "bpe", ...} JSON),
                    gpt2 (GPT-2's own tokenizer, r50k_base), or char:FILE (the characters of FILE)
  --text-file F     the text to encode (UTF-8)
  --json            print {"ids": [...], "text": decode(ids)} instead of one token per line (id, then the token
                    as a JSON string: bytes that are not a whole character show as \\xHH)`;

/** A text file, refused as bad input (status 2) when empty, binary, not UTF-8 or too large. */
function textOf(path: string, {allowEmpty = false} = {}): string {
  const bytes = readBytes(path);
  if (allowEmpty && bytes.length === 0) return "";
  try {
    return decodeText(bytes, path);
  } catch (error) {
    if (error instanceof TextError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs fn, turning a TokenizerError into a usage error that names where the input came from. */
export function checked<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TokenizerError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
}

const trainTokenizer: Command = {
  summary: "learn a byte-level BPE tokenizer from a text (tinygpt tokenizer train ...)",
  usage: TRAIN_USAGE,
  async run(argv, out) {
    const [sub, ...rest] = argv;
    if (sub !== "train") {
      throw new UsageError(`tokenizer: unknown subcommand ${JSON.stringify(sub ?? "")}; only train`);
    }
    const v = parseOptions(rest, {corpus: S, "vocab-size": S, pattern: S, out: S, special: S});
    const corpusPath = required(v.corpus, "--corpus");
    const vocabSize = parseInteger(required(v["vocab-size"], "--vocab-size"), "--vocab-size");
    const pattern = required(v.pattern, "--pattern");
    const path = required(v.out, "--out");
    if (!isPattern(pattern)) {
      throw new UsageError(`--pattern (${JSON.stringify(pattern)}) must be one of ${PATTERNS.join(", ")}`);
    }
    const special = v.special === undefined ? [] : [v.special];
    if (vocabSize <= 256 + special.length) {
      const what = special.length ? "256 (the bytes) + 1 (the special token)" : "256 (the bytes)";
      throw new UsageError(`--vocab-size (${vocabSize}) must be more than ${what}: nothing would be merged`);
    }
    const text = textOf(corpusPath);
    const merges = vocabSize - 256 - special.length;
    const start = performance.now();
    let shown = start; // progress from the first second on (a corpus that fails at once prints only the error)
    let header = `learning ${merges} merges from ${corpusPath} (${text.length} characters, pattern ${pattern})\n`;
    const tokenizer = checked(corpusPath, () =>
      trainBpe(text, {
        vocabSize,
        pattern,
        special,
        onMerge: ({rank, count, tokens}) => {
          const now = performance.now();
          if (rank + 1 < merges && now - shown < 1000) return;
          shown = now;
          const seconds = clock((now - start) / 1000);
          process.stderr.write(`${header}merge ${rank + 1}/${merges}  count ${count}  ${tokens} tokens  ${seconds}\n`);
          header = "";
        }
      })
    );
    try {
      writeFileSync(path, JSON.stringify(tokenizer) + "\n");
    } catch (error) {
      throw new CliError(`cannot write ${path}: ${reason(error)}`);
    }
    const bytes = new TextEncoder().encode(text).length;
    const tokens = tokenizer.encode(text).length;
    out(
      `wrote ${path}: ${vocabSize} tokens (256 bytes, ${merges} merges${special.length ? ", 1 special" : ""}), ` +
        `pattern ${pattern}; ${corpusPath} is ${tokens} tokens, ${(bytes / tokens).toFixed(2)} bytes per token`
    );
  }
};

/** The tokenizer --tokenizer names: a JSON file, gpt2, or char:FILE. */
export async function tokenizerOf(name: string): Promise<Tokenizer> {
  if (name === "gpt2") {
    const {default: ranks} = await import("js-tiktoken/ranks/r50k_base");
    return fromTiktoken(ranks);
  }
  if (name.startsWith("char:")) return CharTokenizer.fromText(textOf(name.slice("char:".length)));
  const text = new TextDecoder().decode(readBytes(name));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  return checked(name, () => tokenizerFromJSON(json));
}

const tokenize: Command = {
  summary: "encode a text with a tokenizer (a TOK.json, gpt2 or char:FILE) and show its tokens",
  usage: TOKENIZE_USAGE,
  async run(argv, out) {
    const v = parseOptions(argv, {tokenizer: S, "text-file": S, json: {type: "boolean"}});
    const tokenizer = await tokenizerOf(required(v.tokenizer, "--tokenizer"));
    const textPath = required(v["text-file"], "--text-file");
    const ids = checked(textPath, () => tokenizer.encode(textOf(textPath, {allowEmpty: true})));
    if (v.json) return out(JSON.stringify({ids, text: tokenizer.decode(ids)}));
    out(ids.map((id) => `${id}\t${JSON.stringify(tokenizer.tokenString(id))}`).join("\n"));
  }
};

export const TOKENIZER_COMMANDS: Record<string, Command> = {tokenizer: trainTokenizer, tokenize};
