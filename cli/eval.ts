// tinygpt eval: a checkpoint's accuracy on held-out additions, or its loss on a text's val split.
import {ADDITION_VOCAB, additionPairs, pairKeys} from "../src/gpt/data/addition.js";
import {charCorpus} from "../src/gpt/data/corpus.js";
import {additionAccuracy, sequenceLoss} from "../src/gpt/evaluate.js";
import {disposeParams} from "../src/gpt/params.js";
import {bits, lossPerByte, textBytes} from "../src/gpt/perByte.js";
import {CharTokenizer, TokenizerError} from "../src/gpt/tokenizer.js";
import {
  CliError,
  UsageError,
  loadCheckpointFile,
  parseInteger,
  parseOptions,
  readCorpus,
  required,
  startBackend
} from "./args.js";
import type {Command} from "./commands.js";

const USAGE = `tinygpt eval --checkpoint FILE.safetensors (--task addition [--n 1000 --seed S] | --data FILE.txt) [--json]

  --checkpoint FILE  a checkpoint written by tinygpt train
  --task addition    exact-match accuracy and accuracy per answer position (units digit first), greedy decoding
  --n N              held-out pairs to score (default 1000); never pairs the model was trained on
  --seed S           which held-out pairs (default: the training seed recorded in the checkpoint, else 0)
  --data FILE.txt    val loss (nats per token) on the text's last 10%, and bits per byte: loss × tokens / bytes / ln 2
                     (the bytes of the split's UTF-8 text; a character model also gives bits per character)
  --backend NAME     cpu or wasm (default: wasm, else cpu)
  --json             print one JSON object instead of text`;

const S = {type: "string"} as const;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The "training" metadata tinygpt train records, or {} for a checkpoint without it. */
function trainingOf(metadata: Record<string, string>): {data?: {task?: string; seed?: number; nTrain?: number}} {
  try {
    return metadata.training ? JSON.parse(metadata.training) : {};
  } catch {
    return {};
  }
}

export const evalCommand: Command = {
  summary: "score a checkpoint: addition accuracy, or val loss and bits per character on a text",
  usage: USAGE,
  async run(argv, out) {
    const v = parseOptions(argv, {checkpoint: S, task: S, n: S, seed: S, data: S, backend: S, json: {type: "boolean"}});
    const path = required(v.checkpoint, "--checkpoint");
    if ((v.task === undefined) === (v.data === undefined))
      throw new UsageError("give exactly one of --task addition and --data FILE.txt");
    if (v.task !== undefined && v.task !== "addition")
      throw new UsageError(`unknown task ${JSON.stringify(v.task)}; only addition`);
    if (v.data !== undefined && (v.n !== undefined || v.seed !== undefined))
      throw new UsageError("--n and --seed go with --task addition");
    const n = v.n === undefined ? 1000 : parseInteger(v.n, "--n");
    if (n < 1) throw new UsageError("--n must be at least 1");
    const text = v.data === undefined ? null : readCorpus(v.data);
    await startBackend(v.backend);
    const {config, tokenizer, params, extra} = loadCheckpointFile(path);
    try {
      if (text === null) {
        if (
          config.vocabSize !== ADDITION_VOCAB.length ||
          (tokenizer && (!(tokenizer instanceof CharTokenizer) || tokenizer.vocab.join() !== ADDITION_VOCAB.join()))
        ) {
          throw new CliError(`${path} is not an addition model (its vocabulary is not the 10 digits, + and =)`);
        }
        if (config.blockSize < 11)
          throw new CliError(`${path}: blockSize ${config.blockSize} is below the 11 tokens needed`);
        const {data} = trainingOf(extra.metadata);
        const known = data?.task === "addition" && Number.isSafeInteger(data.seed) && Number.isSafeInteger(data.nTrain);
        const train = known ? pairKeys(additionPairs(data.seed!, data.nTrain!)) : new Set<number>();
        const seed = v.seed === undefined ? (known ? data.seed! : 0) : parseInteger(v.seed, "--seed");
        if (n + train.size > 1_000_000) throw new UsageError(`--n ${n} leaves too few pairs outside the training set`);
        const score = await additionAccuracy(params, additionPairs(seed, n, train));
        const held = known
          ? `held out from its ${train.size.toLocaleString("en-US")} training pairs`
          : "training pairs unknown";
        if (v.json) return out(JSON.stringify({task: "addition", seed, heldOut: known, ...score}));
        return out(
          [
            `addition: ${n.toLocaleString("en-US")} pairs (seed ${seed}, ${held})`,
            `exact match  ${pct(score.exact)}`,
            `per answer position (units digit first)  ${score.perPosition.map(pct).join("  ")}`
          ].join("\n")
        );
      }
      if (!tokenizer) throw new CliError(`${path} has no tokenizer: it cannot read a text`);
      let val: Int32Array;
      try {
        val = charCorpus(text, {blockSize: 1, seed: 0, tokenizer}).val;
      } catch (error) {
        if (error instanceof TokenizerError) throw new CliError(`${v.data}: ${error.message}`);
        throw new CliError(`${v.data}: ${(error as Error).message}`);
      }
      const unit = tokenizer instanceof CharTokenizer ? "characters" : "tokens";
      if (val.length <= config.blockSize) {
        throw new CliError(
          `${v.data}: the val split has ${val.length} ${unit}, fewer than blockSize + 1 = ${config.blockSize + 1}`
        );
      }
      const loss = await sequenceLoss(params, val);
      const bytes = textBytes(tokenizer, val);
      const bitsPerByte = bits(lossPerByte(loss, val.length, bytes));
      const size = `${val.length.toLocaleString("en-US")} ${unit}, ${bytes.toLocaleString("en-US")} bytes (last 10%)`;
      if (!(tokenizer instanceof CharTokenizer)) {
        if (v.json) return out(JSON.stringify({data: v.data, tokens: val.length, bytes, valLoss: loss, bitsPerByte}));
        return out(
          `${v.data}: val split ${size}\nval loss ${loss.toFixed(4)} nats/token  (${bitsPerByte.toFixed(4)} bits/byte)`
        );
      }
      const bitsPerChar = bits(loss);
      if (v.json) {
        return out(
          JSON.stringify({data: v.data, characters: val.length, bytes, valLoss: loss, bitsPerChar, bitsPerByte})
        );
      }
      out(
        `${v.data}: val split ${size}\nval loss ${loss.toFixed(4)} nats/char  ` +
          `(${bitsPerChar.toFixed(4)} bits/char, ${bitsPerByte.toFixed(4)} bits/byte)`
      );
    } finally {
      disposeParams(params);
    }
  }
};
