// tinygpt finetune: adapts a trained checkpoint to a new text, with a LoRA adapter (saved alone) or every weight
// (--full, saved as an ordinary checkpoint), and reports the held-out loss before and after.
import {CORPORA, isCorpusName} from "../src/gpt/data/corpora.js";
import {charCorpus, type CharCorpus} from "../src/gpt/data/corpus.js";
import {sequenceLoss} from "../src/gpt/evaluate.js";
import {Finetune, fitText} from "../src/gpt/finetune.js";
import {LoraError, parseTargets, type LoraConfig} from "../src/gpt/lora.js";
import {saveAdapter, sha256Hex} from "../src/gpt/loraFile.js";
import {disposeParams} from "../src/gpt/params.js";
import {snapshotBytes, type Progress} from "../src/gpt/session.js";
import {recipe, type TrainSettings} from "../src/gpt/recipes.js";
import type {Tokenizer} from "../src/gpt/tokenizer.js";
import {CliError, UsageError, loadCheckpointFile, parseInteger, parseNumber, parseOptions} from "./args.js";
import {readBytes, readCorpus, required, startBackend} from "./args.js";
import {writeFile} from "./adapter.js";
import type {Command} from "./commands.js";
import {ProgressBar, clock} from "./progress.js";

const USAGE = `tinygpt finetune --checkpoint BASE.safetensors (--data FILE.txt | --corpus NAME) --steps N --lr X
                 --out FILE.safetensors [--lora-rank R --lora-alpha A --targets c_attn,c_proj,c_fc | --full] [options]

  --checkpoint BASE   the trained model to adapt; its tokenizer reads the new text
  --data FILE.txt     the new text: its first 90% trains, its last 10% is held out
  --corpus NAME       or a corpus the project writes: fables or toy
  --steps N           updates to train
  --lr X              learning rate (constant; AdamW with PyTorch's defaults, clipping at 1)
  --out FILE          the adapter (LoRA: PEFT's names, its config and base in the metadata), or with --full the
                      fine-tuned model as an ordinary checkpoint
  --lora-rank R       the adapter's rank r (default 8, PEFT's)
  --lora-alpha A      the update is scaled by A / r (default 8, PEFT's)
  --lora-dropout P    dropout on the adapter's input while training (default 0)
  --targets NAMES     which Linear layers of each block: c_attn, c_proj (both projections), c_fc, or full names
                      attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj (default c_attn, PEFT's for GPT-2)
  --layers 0,1        which blocks to adapt (default: every block)
  --full              train every weight of the model instead (same data and steps), for comparison
  --batch B           sequences per update (default 12)
  --seed S            the adapter's initial A, the batches and the dropout masks (default 1337)
  --eval-every N      held-out loss on --eval-iters batches every N updates (default steps / 10)
  --eval-iters N      batches per such estimate (default 20)
  --held-out N        the before/after loss reads the first N tokens of the held-out 10% (default 20000)
  --also-data FILE    report the before/after loss on this text's last 10% too (the base's own text: what it forgets)
  --backend NAME      cpu or wasm (default: wasm, else cpu)
Characters the base's vocabulary lacks are replaced (quotes, dashes) or dropped, and said so on stderr.
Progress goes to stderr; the summary to stdout.`;

const S = {type: "string"} as const;
const OPTIONS = {
  ...{checkpoint: S, data: S, corpus: S, steps: S, lr: S, out: S, batch: S, seed: S, backend: S},
  ...{"lora-rank": S, "lora-alpha": S, "lora-dropout": S, targets: S, layers: S, full: {type: "boolean"} as const},
  ...{"eval-every": S, "eval-iters": S, "held-out": S, "also-data": S}
};
type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>;

const n = (x: number) => x.toLocaleString("en-US");

const atLeast1 = (text: string | undefined, flag: string, fallback: number) => {
  const value = text === undefined ? fallback : parseInteger(text, flag);
  if (value < 1) throw new UsageError(`${flag} (${value}) must be at least 1`);
  return value;
};

/** The adapter the flags describe (null with --full); a LoraError is a usage error naming the flag. */
function loraFrom(v: Values): LoraConfig | null {
  const flags = ["lora-rank", "lora-alpha", "lora-dropout", "targets", "layers"] as const;
  const given = flags.find((flag) => v[flag] !== undefined);
  if (v.full) {
    if (given) throw new UsageError(`--full trains every weight: --${given} does not apply`);
    return null;
  }
  const r = atLeast1(v["lora-rank"], "--lora-rank", 8);
  const alpha = parseNumber(v["lora-alpha"], "--lora-alpha", 8, 0, true);
  const dropout = parseNumber(v["lora-dropout"], "--lora-dropout", 0);
  if (dropout >= 1) throw new UsageError(`--lora-dropout (${dropout}) must be below 1`);
  const layers = v.layers === undefined ? null : v.layers.split(",").map((l) => parseInteger(l.trim(), "--layers"));
  try {
    return {r, alpha, dropout, targets: parseTargets((v.targets ?? "c_attn").split(",")), layers};
  } catch (error) {
    if (error instanceof LoraError) throw new UsageError(`--targets: ${error.message}`);
    throw error;
  }
}

/** A text in the base's vocabulary, split 90/10, saying on stderr what had to change to fit it. */
function textIn(tokenizer: Tokenizer, text: string, label: string, blockSize: number, seed: number): CharCorpus {
  const {text: fitted, replaced, dropped} = fitText(text, tokenizer);
  const show = (c: {char: string; count: number}) => `${JSON.stringify(c.char)} (${n(c.count)})`;
  if (replaced.length) {
    const list = replaced.map((c) => `${show(c)} → ${JSON.stringify(c.by)}`).join(", ");
    process.stderr.write(`${label}: outside the base's vocabulary, replaced: ${list}\n`);
  }
  if (dropped.length)
    process.stderr.write(`${label}: outside the base's vocabulary, dropped: ${dropped.map(show).join(", ")}\n`);
  try {
    return charCorpus(fitted, {blockSize, seed, tokenizer});
  } catch (error) {
    throw new CliError(`${label}: ${(error as Error).message}`);
  }
}

export const finetuneCommand: Command = {
  summary: "adapt a trained checkpoint to a new text with a LoRA adapter (or every weight, --full)",
  usage: USAGE,
  async run(argv, out) {
    const v = parseOptions(argv, OPTIONS);
    const path = required(v.checkpoint, "--checkpoint");
    const outPath = required(v.out, "--out");
    if ((v.data === undefined) === (v.corpus === undefined))
      throw new UsageError("give exactly one of --data FILE.txt and --corpus NAME");
    if (v.corpus !== undefined && !isCorpusName(v.corpus)) {
      throw new UsageError(`unknown corpus ${JSON.stringify(v.corpus)}; one of ${Object.keys(CORPORA).join(", ")}`);
    }
    const lora = loraFrom(v);
    const steps = atLeast1(v.steps, "--steps", NaN);
    const settings: TrainSettings = {
      ...recipe("torch"),
      ...{
        steps,
        lr: parseNumber(required(v.lr, "--lr"), "--lr", 0, 0, true),
        batchSize: atLeast1(v.batch, "--batch", 12)
      },
      ...{evalEvery: atLeast1(v["eval-every"], "--eval-every", Math.max(1, Math.round(steps / 10)))},
      ...{evalIters: atLeast1(v["eval-iters"], "--eval-iters", 20)}
    };
    const seed = v.seed === undefined ? 1337 : parseInteger(v.seed, "--seed");
    const heldOut = atLeast1(v["held-out"], "--held-out", 20_000);
    const label = v.corpus ?? v.data!;
    const text = v.corpus !== undefined ? CORPORA[v.corpus as keyof typeof CORPORA]() : readCorpus(v.data!);
    const also = v["also-data"] === undefined ? null : readCorpus(v["also-data"]);

    const backend = await startBackend(v.backend);
    const bytes = readBytes(path);
    const sha256 = await sha256Hex(bytes);
    const base = loadCheckpointFile(path, bytes);
    const {config, tokenizer} = base;
    let tuning: Finetune;
    let other: Int32Array | null = null;
    try {
      if (!tokenizer) throw new CliError(`${path} has no tokenizer, so it cannot read a text`);
      if (lora?.layers?.some((l) => l >= config.nLayer)) {
        throw new UsageError(`--layers (${lora.layers}) must name blocks below ${config.nLayer}, the base's depth`);
      }
      const data = textIn(tokenizer, text, label, config.blockSize, seed);
      if (also !== null) other = textIn(tokenizer, also, v["also-data"]!, config.blockSize, seed).val;
      tuning = new Finetune({params: base.params, data, settings, seed, lora});
    } catch (error) {
      disposeParams(base.params);
      throw error;
    }
    try {
      await train(tuning, {path, label, backend, heldOut, other, otherLabel: v["also-data"] ?? "", out});
      const record = {finetune: {base: path, base_sha256: sha256, data: label, steps, lr: settings.lr, seed}};
      const written = tuning.adapter
        ? await saveAdapter(tuning.adapter, {tokenizer, sha256})
        : snapshotBytes(await tuning.session.snapshot(), tokenizer, record, {weightsOnly: true});
      writeFile(outPath, written);
      out(`wrote ${outPath} (${n(Math.round(written.length / 1000))} kB)`);
    } finally {
      tuning.dispose();
    }
  }
};

interface Report {
  path: string;
  label: string;
  backend: string;
  heldOut: number;
  other: Int32Array | null;
  otherLabel: string;
  out: (text: string) => void;
}

/** Trains to the end, with progress on stderr, and prints the counts and the held-out losses before and after. */
async function train(tuning: Finetune, {path, label, backend, heldOut, other, otherLabel, out}: Report) {
  const {session, adapter, trainable, total} = tuning;
  const val = (session.data as CharCorpus).val.subarray(0, heldOut);
  const losses = async () => ({
    data: await sequenceLoss(session.params, val),
    other: other && (await sequenceLoss(session.params, other.subarray(0, heldOut)))
  });
  const what = adapter
    ? `LoRA (r ${adapter.config.r}, α ${adapter.config.alpha}, ${adapter.config.targets.join(", ")}; ${adapter.config.layers ? `blocks ${adapter.config.layers}` : "every block"})`
    : "every weight (full fine-tuning)";
  const share = `${n(trainable)} trainable of the model's ${n(total)} parameters (${((100 * trainable) / total).toFixed(2)}%)`;
  const bar = new ProgressBar();
  bar.log(`fine-tuning ${path} on ${label} with ${what}, on ${backend}: ${share}`);
  const before = await losses();
  const t0 = performance.now();
  const {steps} = session.settings;
  const every = Math.max(1, Math.round(steps / 100));
  let last: Progress | null = null;
  let loss: number | null = null;
  for await (const p of session.run()) {
    [last, loss] = [p, p.loss ?? loss];
    const line = {
      step: p.step,
      steps,
      start: 0,
      elapsed: (performance.now() - t0) / 1000,
      fields: `loss ${loss?.toFixed(4) ?? "-"}`
    };
    if (p.valLoss !== null) bar.log(`${bar.plain(line)}  held-out loss ${p.valLoss.toFixed(4)}`);
    else if (!bar.tty && p.step % every === 0) bar.log(bar.plain(line));
    bar.update(line, p.done !== null);
    if (p.done) bar.end();
  }
  if (last?.done?.reason === "nonfinite") throw new CliError(last.done.message);
  const seconds = (performance.now() - t0) / 1000;
  const after = await losses();
  const f = (x: number) => x.toFixed(4);
  out(
    [
      `fine-tuned ${path} on ${label} with ${what}: ${steps} steps in ${clock(seconds)} (${(seconds / steps).toFixed(3)} s per step on ${backend})`,
      share,
      `held-out loss on ${label} (${n(val.length)} tokens): ${f(before.data)} before, ${f(after.data)} after`,
      ...(other
        ? [
            `held-out loss on ${otherLabel} (${n(Math.min(other.length, heldOut))} tokens): ${f(before.other!)} before, ${f(after.other!)} after`
          ]
        : [])
    ].join("\n")
  );
}
