// Which data tinygpt train learns from: the addition task, a text file or one of the project's corpora.
import type {Checkpoint} from "../src/gpt/checkpoint.js";
import type {GPTConfig} from "../src/gpt/config.js";
import {additionTask, type AdditionTask} from "../src/gpt/data/addition.js";
import {CORPORA, isCorpusName} from "../src/gpt/data/corpora.js";
import {charCorpus, type Dataset} from "../src/gpt/data/corpus.js";
import {disposeParams} from "../src/gpt/params.js";
import {textBytes} from "../src/gpt/perByte.js";
import type {Tokenizer} from "../src/gpt/tokenizer.js";
import {CliError, UsageError, readCorpus} from "./args.js";

export interface Source {
  data: Dataset;
  describe: Record<string, unknown>; // saved as "data" in the training metadata
  addition: AdditionTask | null;
  valText: {tokens: number; bytes: number} | null; // a text's val split: its tokens and the UTF-8 bytes they stand for
}

/**
 * The data of exactly one of --task addition, --data FILE.txt and --corpus NAME; a text is read with the tokenizer
 * tokenizerOf makes for it (default: its characters).
 */
export function sourceFrom(
  values: {task?: string; data?: string; corpus?: string},
  blockSize: number,
  seed: number,
  tokenizerOf?: (text: string) => Tokenizer
): Source {
  const given = [values.task, values.data, values.corpus].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError("give exactly one of --task addition, --data FILE.txt and --corpus NAME");
  if (values.task !== undefined) {
    if (values.task !== "addition") throw new UsageError(`unknown task ${JSON.stringify(values.task)}; only addition`);
    const addition = additionTask({seed});
    if (tokenizerOf) throw new UsageError("--tokenizer is for text data: the addition task has its own 12 tokens");
    const describe = {task: "addition", seed, nTrain: addition.train.length, nTest: addition.test.length};
    return {data: addition, describe, addition, valText: null};
  }
  if (values.corpus !== undefined && !isCorpusName(values.corpus)) {
    throw new UsageError(`unknown corpus ${JSON.stringify(values.corpus)}; one of ${Object.keys(CORPORA).join(", ")}`);
  }
  const text =
    values.corpus !== undefined ? CORPORA[values.corpus as keyof typeof CORPORA]() : readCorpus(values.data!);
  const tokenizer = tokenizerOf?.(text);
  try {
    const data = tokenizer ? charCorpus(text, {blockSize, seed, tokenizer}) : charCorpus(text, {blockSize, seed});
    const valText = {tokens: data.val.length, bytes: textBytes(data.tokenizer, data.val)};
    return {data, describe: values.corpus ? {corpus: values.corpus} : {file: values.data}, addition: null, valText};
  } catch (error) {
    throw new CliError(`${values.data ?? values.corpus}: ${(error as Error).message}`);
  }
}

/** Throws (freeing the resumed model) unless a checkpoint to resume has the run's config and tokenizer. */
export function checkResume(path: string, resumed: Checkpoint, config: GPTConfig, data: Dataset) {
  const fail = (what: string) => {
    disposeParams(resumed.params);
    throw new CliError(`${path}: ${what}`);
  };
  if (JSON.stringify(resumed.tokenizer) !== JSON.stringify(data.tokenizer)) {
    fail("its tokenizer differs from the data's (give the same --tokenizer, or none to keep the checkpoint's)");
  }
  if (JSON.stringify(resumed.config) !== JSON.stringify(config)) fail("its config differs from the one given");
}
