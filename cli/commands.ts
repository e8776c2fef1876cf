// The tinygpt commands: params (count), init (initialise and save), forward (run a checkpoint on tokens).
import {writeFileSync} from "node:fs";
import * as tf from "@tinygpt/tf";
import {initBackend} from "../src/gpt/backend.js";
import {saveCheckpoint} from "../src/gpt/checkpoint.js";
import {makeConfig, type GPTConfig} from "../src/gpt/config.js";
import {COUNT_ONLY, isPresetName} from "../src/gpt/presets.js";
import {forward} from "../src/gpt/model.js";
import {disposeParams, initParams} from "../src/gpt/params.js";
import {countParams} from "../src/gpt/count.js";
import {loadAdapted} from "./adapter.js";
import {CharTokenizer} from "../src/gpt/tokenizer.js";
import {CliError, configFrom, parseInteger, parseOptions, parseTokens, readCorpus, reason, required} from "./args.js";

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[], out: (text: string) => void): Promise<void>;
}

const n = (x: number) => x.toLocaleString("en-US");
const describe = (c: GPTConfig) =>
  `${c.nLayer} layers, ${c.nHead} heads, width ${c.nEmbd}, MLP ${c.dFF}, context ${c.blockSize}, vocabulary ${c.vocabSize}`;

const params: Command = {
  summary: "count a model's parameters",
  usage: `tinygpt params (--preset NAME | --config FILE.json) [--json]

  --preset NAME       a named config (toy, addition, tiny-decoder, gpt-notebook, tinygpt, shakespeare-char, gpt2, ...)
  --config FILE.json  a config record; fields left out take their defaults
  --json              print {"total", "excludingPositions", "breakdown"} instead of a table`,
  async run(argv, out) {
    const values = parseOptions(argv, {preset: {type: "string"}, config: {type: "string"}, json: {type: "boolean"}});
    const {config, label} = configFrom(values);
    const count = countParams(config);
    if (values.json) return out(JSON.stringify(count));
    const {breakdown: b} = count;
    const per = (x: number) => `(${n(x)} per block)`;
    const rows: [string, number, string?][] = [
      ["token embedding", b.tokenEmbedding],
      ["position embedding", b.positionEmbedding, config.positional === "sinusoidal" ? "(sinusoidal: no weights)" : ""],
      ["attention", b.attention, per(b.perBlock.attention)],
      ["MLP", b.mlp, per(b.perBlock.mlp)],
      ["layer norms", b.layerNorms, config.finalNorm ? "(ln_1, ln_2 per block, ln_f)" : "(ln_1, ln_2 per block)"],
      ["head", b.head, config.tieWeights ? "(tied to the token embedding)" : ""],
      ["total", count.total],
      ["excluding positions", count.excludingPositions]
    ];
    const width = Math.max(...rows.map(([, x]) => n(x).length));
    const lines = rows.map(([name, x, note]) => `${name.padEnd(20)} ${n(x).padStart(width)}  ${note ?? ""}`.trimEnd());
    out([`${label}: ${describe(config)}`, "", ...lines].join("\n"));
  }
};

const init: Command = {
  summary: "initialise a model and save it as a safetensors checkpoint",
  usage: `tinygpt init (--preset NAME | --config FILE.json) --seed N --out FILE.safetensors [--vocab-from FILE.txt]

  --seed N              the weights are fully determined by N (a non-negative integer)
  --out FILE            where to write the checkpoint
  --vocab-from FILE.txt build a character tokenizer from this text; its size replaces the config's vocabSize`,
  async run(argv, out) {
    const values = parseOptions(argv, {
      ...{preset: {type: "string"}, config: {type: "string"}, seed: {type: "string"}},
      ...{out: {type: "string"}, "vocab-from": {type: "string"}}
    });
    const seed = parseInteger(required(values.seed, "--seed"), "--seed");
    const path = required(values.out, "--out");
    const {config: base, label} = configFrom(values);
    if (isPresetName(label) && COUNT_ONLY.has(label)) {
      throw new CliError(`preset ${label} is too large to build here; count it with tinygpt params --preset ${label}`);
    }
    const text = values["vocab-from"] === undefined ? null : readCorpus(values["vocab-from"]);
    const tokenizer = text === null ? null : CharTokenizer.fromText(text);
    const config = tokenizer ? makeConfig({...base, vocabSize: tokenizer.vocabSize}) : base;
    await initBackend();
    const model = initParams(config, seed);
    let bytes: Uint8Array;
    try {
      bytes = saveCheckpoint(model, tokenizer);
    } finally {
      disposeParams(model);
    }
    try {
      writeFileSync(path, bytes);
    } catch (error) {
      throw new CliError(`cannot write ${path}: ${reason(error)}`);
    }
    const vocab = tokenizer ? `${config.vocabSize} characters from ${values["vocab-from"]}` : `${config.vocabSize}`;
    out(`wrote ${path}: ${label}, ${n(countParams(config).total)} parameters, vocabulary ${vocab}, seed ${seed}`);
  }
};

const forwardCommand: Command = {
  summary: "run a checkpoint on a token sequence and print the next-token logits at each position",
  usage: `tinygpt forward --checkpoint FILE.safetensors [--adapter ADAPTER.safetensors] --tokens 3,1,4 [--json]

  --checkpoint FILE  a checkpoint written by tinygpt init (or any with the same names and metadata)
  --adapter FILE     a LoRA adapter trained on that checkpoint (tinygpt finetune): the adapted model's logits
  --tokens IDS       comma-separated token ids, at most blockSize of them, each below vocabSize
  --json             print {"logits": [[vocabSize numbers] for each position]} instead of the top predictions`,
  async run(argv, out) {
    const values = parseOptions(argv, {
      checkpoint: {type: "string"},
      adapter: {type: "string"},
      tokens: {type: "string"},
      json: {type: "boolean"}
    });
    const path = required(values.checkpoint, "--checkpoint");
    const tokens = parseTokens(required(values.tokens, "--tokens"));
    await initBackend();
    const {config, tokenizer, params: model, release} = await loadAdapted(path, values.adapter);
    let logits: number[][];
    try {
      const bad = tokens.findIndex((t) => t >= config.vocabSize);
      if (bad >= 0) {
        throw new CliError(
          `token ${tokens[bad]} at position ${bad} is outside the vocabulary [0, ${config.vocabSize})`
        );
      }
      if (tokens.length > config.blockSize) {
        throw new CliError(`${tokens.length} tokens exceed the context length (blockSize ${config.blockSize})`);
      }
      const idx = tf.tensor2d([tokens], [1, tokens.length], "int32"); // (1, T)
      const result = forward(model, idx); // (1, T, vocabSize)
      logits = (await result.array())[0];
      tf.dispose([idx, result]);
    } finally {
      release();
    }
    if (values.json) return out(JSON.stringify({logits}));
    const show = (id: number) => (tokenizer ? JSON.stringify(tokenizer.tokenString(id)) : String(id));
    const lines = logits.map((row, t) => {
      const max = Math.max(...row);
      const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
      const top = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, 5);
      const guesses = top.map((id) => `${show(id)} ${(Math.exp(row[id] - max) / sum).toFixed(3)}`).join(", ");
      return `${String(t).padStart(3)}  ${show(tokens[t]).padEnd(6)} → ${guesses}`;
    });
    out(["pos  token  → most likely next tokens (probability)", ...lines].join("\n"));
  }
};

export const COMMANDS: Record<string, Command> = {params, init, forward: forwardCommand};
