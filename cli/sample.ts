// tinygpt sample: continue a prompt with a checkpoint's model, by the sampling rules or beam search.
import {initBackend} from "../src/gpt/backend.js";
import {generate, type GenerateOptions} from "../src/gpt/sample.js";
import {TokenizerError, type Tokenizer} from "../src/gpt/tokenizer.js";
import {loadAdapted} from "./adapter.js";
import {CliError, UsageError, parseInteger, parseOptions, required} from "./args.js";
import type {Command} from "./commands.js";

const USAGE = `tinygpt sample --checkpoint FILE --prompt TEXT --max-tokens N [options]

  --checkpoint FILE  a checkpoint with a tokenizer (tinygpt init --vocab-from, or tinygpt train)
  --adapter FILE     a LoRA adapter trained on that checkpoint (tinygpt finetune): sample the adapted model
  --prompt TEXT      the text to continue; each character must be in the checkpoint's vocabulary
  --max-tokens N     how many tokens to add (the context slides once it is longer than blockSize)
  --temperature T    divide the logits by T before sampling (default 1; 0 is greedy)
  --top-k K          sample from the K most likely tokens only
  --top-p P          sample from the fewest most likely tokens whose probabilities sum to at least P, in (0, 1]
  --greedy           always take the most likely token
  --beam W           beam search of width W; prints the hypothesis with the best mean log-probability per token
  --seed S           the draws follow S (default 1337)
  --no-kv-cache      recompute the whole context for every token: the same text, slower`;

export const sample: Command = {
  summary: "continue a prompt with a checkpoint (greedy, temperature, top-k, top-p or beam search)",
  usage: USAGE,
  async run(argv, out) {
    const values = parseOptions(argv, {
      ...{checkpoint: {type: "string"}, adapter: {type: "string"}},
      ...{prompt: {type: "string"}, "max-tokens": {type: "string"}},
      ...{temperature: {type: "string"}, "top-k": {type: "string"}, "top-p": {type: "string"}},
      ...{beam: {type: "string"}, greedy: {type: "boolean"}, seed: {type: "string"}, "no-kv-cache": {type: "boolean"}}
    });
    const path = required(values.checkpoint, "--checkpoint");
    const prompt = required(values.prompt, "--prompt");
    const opts: GenerateOptions = {
      maxNewTokens: parseInteger(required(values["max-tokens"], "--max-tokens"), "--max-tokens"),
      temperature: optional(values.temperature, "--temperature", (x) => x >= 0, "a number ≥ 0"),
      topK: optional(values["top-k"], "--top-k", (x) => Number.isSafeInteger(x) && x >= 1, "a positive integer"),
      topP: optional(values["top-p"], "--top-p", (x) => x > 0 && x <= 1, "a number in (0, 1]"),
      beam: optional(values.beam, "--beam", (x) => Number.isSafeInteger(x) && x >= 1, "a positive integer"),
      greedy: values.greedy ?? false,
      seed: values.seed === undefined ? undefined : parseInteger(values.seed, "--seed"),
      kvCache: !values["no-kv-cache"]
    };
    const sampling = (["temperature", "top-k", "top-p"] as const).find((flag) => values[flag] !== undefined);
    if (values.greedy && values.beam !== undefined) throw new UsageError("--greedy cannot be combined with --beam");
    const mode = values.greedy ? "--greedy" : values.beam !== undefined ? "--beam" : null;
    if (mode && sampling) throw new UsageError(`${mode} cannot be combined with --${sampling}`);

    await initBackend();
    const {tokenizer, params, release} = await loadAdapted(path, values.adapter);
    try {
      if (!tokenizer) throw new CliError(`${path} has no tokenizer, so it cannot read a text prompt`);
      const ids = encodePrompt(tokenizer, prompt);
      out(tokenizer.decode(await generate(params, ids, opts)));
    } finally {
      release();
    }
  }
};

/** A number flag's value, checked; undefined when the flag is absent. */
function optional(text: string | undefined, flag: string, ok: (x: number) => boolean, what: string) {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || !ok(x)) {
    throw new UsageError(`${flag} (${JSON.stringify(text)}) must be ${what}`);
  }
  return x;
}

function encodePrompt(tokenizer: Tokenizer, prompt: string): number[] {
  try {
    return tokenizer.encode(prompt);
  } catch (error) {
    if (error instanceof TokenizerError) throw new CliError(`--prompt: ${error.message}`);
    throw error;
  }
}
