// tinygpt train: builds (or resumes) a model, trains it with AdamW on the addition task or a text, saves it.
import {renameSync, writeFileSync} from "node:fs";
import type {Checkpoint} from "../src/gpt/checkpoint.js";
import {readOptimizer} from "../src/gpt/checkpointOptim.js";
import {makeConfig} from "../src/gpt/config.js";
import {COUNT_ONLY, isPresetName} from "../src/gpt/presets.js";
import type {AdditionTask} from "../src/gpt/data/addition.js";
import {additionAccuracy} from "../src/gpt/evaluate.js";
import {MEMORY_BUDGET_BYTES, memoryProblem} from "../src/gpt/limits.js";
import {initParams, disposeParams, type Params} from "../src/gpt/params.js";
import {countParams} from "../src/gpt/count.js";
import {RECIPE_NAMES, RECIPES, isRecipeName, type TrainSettings} from "../src/gpt/recipes.js";
import {TrainingSession, type Progress} from "../src/gpt/session.js";
import {CliError, UsageError, configFrom, loadCheckpointFile, parseInteger, parseNumber, parseOptions} from "./args.js";
import {reason, required, startBackend} from "./args.js";
import type {Command} from "./commands.js";
import {checkResume, sourceFrom, type Source} from "./data.js";
import {checked, tokenizerOf} from "./tokenizer.js";
import {bits, lossPerByte} from "../src/gpt/perByte.js";
import {trainBpe, type Tokenizer} from "../src/gpt/tokenizer.js";
import {ProgressBar, clock} from "./progress.js";

const USAGE = `tinygpt train (--preset NAME | --config FILE.json) (--task addition | --data FILE.txt | --corpus NAME)
              --steps N --batch B --lr X --seed S --out FILE.safetensors [options]

  --task addition       "ABC+DEF=" → the reversed 4-digit sum; 10,000 training pairs, 1,000 held out
  --data FILE.txt       a text, split 90/10 into train and val; the tokenizer is its characters
  --corpus NAME         a corpus the project writes: fables (the default text corpus) or toy
  --steps N             train up to update N (with --resume, counting the updates already done)
  --batch B             sequences per micro-batch (per update without --grad-accum)
  --lr X                peak learning rate
  --seed S              the initial weights, the data's order and the dropout masks
  --out FILE            the checkpoint, with the optimizer's state and step (written at every evaluation too)
  --recipe NAME         take every setting not given from a named recipe: ${RECIPE_NAMES.join(", ")}
                        (then --steps, --batch and --lr are optional; without it the defaults are "torch")
  --grad-accum K        accumulate gradients over K micro-batches of --batch, then one update (default 1)
  --schedule NAME       constant (default) or cosine: decays to --min-lr over the run
  --warmup N            linear warmup over the first N updates (default 0)
  --min-lr X            the cosine schedule's floor (default 0)
  --weight-decay X      AdamW's decoupled weight decay on 2-D weights (default 0.01)
  --beta2 X             AdamW's second-moment decay (default 0.999)
  --clip X              clip gradients to global norm X (default 1; 0 turns clipping off)
  --tokenizer T         the tokens of a text: a TOK.json (tinygpt tokenizer train), bpe:N (a byte-level BPE of N
                        tokens learned from the text first, GPT-2's pre-split), gpt2, or char (the default: the
                        text's characters); with --resume, the checkpoint's unless given
  --resume FILE         continue from a checkpoint written by tinygpt train (its config and optimizer)
  --backend NAME        cpu or wasm (default: wasm, else cpu)
  --eval-every N        val loss (and, for addition, held-out accuracy) every N updates (default steps / 10)
  --eval-iters N        val batches per estimate (default 20; addition: the whole held-out set)
  --weights-only        save the model without the optimizer's state (smaller; cannot be resumed)
  --memory-budget GB    refuse a run whose estimated training memory exceeds GB (default 2)
Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.`;

const S = {type: "string"} as const;
const OPTIONS = {
  ...{preset: S, config: S, task: S, data: S, corpus: S, steps: S, batch: S, lr: S, seed: S, out: S},
  ...{schedule: S, warmup: S, "min-lr": S, "weight-decay": S, beta2: S, clip: S, resume: S, backend: S},
  ...{recipe: S, "grad-accum": S, tokenizer: S},
  ...{"eval-every": S, "eval-iters": S, "weights-only": {type: "boolean"} as const, "memory-budget": S}
};
type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>;

const positive = (text: string | undefined, flag: string, fallback?: number) => {
  const n = text === undefined ? fallback : parseInteger(text, flag);
  if (n === undefined) throw new UsageError(`${flag} is required`);
  if (n < 1) throw new UsageError(`${flag} (${n}) must be at least 1`);
  return n;
};

/** The run's settings from the command line (a recipe's, or "torch"'s, where a flag is not given). */
function settingsFrom(v: Values) {
  const name = v.recipe ?? "torch";
  if (!isRecipeName(name)) {
    throw new UsageError(`--recipe (${JSON.stringify(name)}) must be one of ${RECIPE_NAMES.join(", ")}`);
  }
  const r: Partial<TrainSettings> & (typeof RECIPES)[typeof name] = RECIPES[name];
  const given = v.recipe !== undefined;
  const steps = positive(v.steps, "--steps", given ? r.steps : undefined);
  const batch = positive(v.batch, "--batch", given ? r.batchSize : undefined);
  const gradAccum = positive(v["grad-accum"], "--grad-accum", r.gradAccum);
  const seed = parseInteger(required(v.seed, "--seed"), "--seed");
  const lr = given && v.lr === undefined ? r.lr : parseNumber(required(v.lr, "--lr"), "--lr", 0, 0, true);
  const kind = v.schedule ?? r.schedule;
  if (kind !== "constant" && kind !== "cosine") {
    throw new UsageError(`--schedule (${JSON.stringify(kind)}) must be constant or cosine`);
  }
  const warmup = v.warmup === undefined ? r.warmup : parseInteger(v.warmup, "--warmup");
  const minLr = parseNumber(v["min-lr"], "--min-lr", r.minLr);
  if (minLr > lr) throw new UsageError(`--min-lr (${minLr}) must not exceed --lr (${lr})`);
  const weightDecay = parseNumber(v["weight-decay"], "--weight-decay", r.weightDecay);
  const beta2 = parseNumber(v.beta2, "--beta2", r.beta2);
  if (beta2 >= 1) throw new UsageError(`--beta2 (${beta2}) must be below 1`);
  const clip = parseNumber(v.clip, "--clip", r.clip ?? 0) || null;
  const evalEvery = positive(v["eval-every"], "--eval-every", r.evalEvery ?? Math.max(1, Math.round(steps / 10)));
  const evalIters = positive(v["eval-iters"], "--eval-iters", r.evalIters ?? 20);
  const settings: TrainSettings = {
    ...{steps, batchSize: batch, gradAccum, lr, schedule: kind, warmup, minLr, beta1: r.beta1, beta2, eps: r.eps},
    ...{weightDecay, clip, evalEvery, evalIters, logEvery: 1}
  };
  const extra = {
    ...(gradAccum > 1 ? {gradAccum} : {}),
    ...(given ? {recipe: name} : {}),
    ...(v.tokenizer !== undefined ? {tokenizer: v.tokenizer} : {})
  };
  return {settings, seed, record: {steps, batch, lr, schedule: kind, warmup, minLr, clip, seed}, extra};
}

/**
 * What reads the text, from --tokenizer: a file or gpt2 (read now), bpe:N (learned from the text once it is read),
 * char; without it, a resumed checkpoint's tokenizer, else the text's characters (undefined).
 */
async function tokenizerFrom(name: string | undefined, resumed: Checkpoint | null) {
  if (name === undefined) return resumed?.tokenizer ? () => resumed.tokenizer! : undefined;
  if (name === "char") return undefined;
  const bpe = /^bpe:(.*)$/.exec(name);
  if (!bpe) {
    const tokenizer = await tokenizerOf(name);
    return () => tokenizer;
  }
  const vocabSize = parseInteger(bpe[1], "--tokenizer bpe:N");
  if (vocabSize <= 256) throw new UsageError(`--tokenizer bpe:${vocabSize}: N must be more than 256 (the bytes)`);
  return (text: string) => {
    const t0 = performance.now();
    const tokenizer = checked("--tokenizer", () => trainBpe(text, {vocabSize, pattern: "gpt2"}));
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    process.stderr.write(
      `learned a byte-level BPE of ${vocabSize} tokens from the text in ${seconds} s (pattern gpt2)\n`
    );
    return tokenizer;
  };
}

/** The model and optimizer to train: fresh ones, or a checkpoint's (which must match the config and data). */
function modelFrom(v: Values, resumed: Checkpoint | null, seed: number, tokenizerOf?: (text: string) => Tokenizer) {
  const base = resumed && v.preset === undefined && v.config === undefined ? resumed.config : configFrom(v).config;
  const label = v.preset ?? v.config ?? v.resume!;
  if (isPresetName(label) && COUNT_ONLY.has(label)) throw new CliError(`preset ${label} is too large to train here`);
  const source = sourceFrom(v, base.blockSize, seed, tokenizerOf);
  if (source.data.blockSize > base.blockSize) {
    throw new CliError(`the task needs blockSize ≥ ${source.data.blockSize}, the config has ${base.blockSize}`);
  }
  const config = makeConfig({...base, vocabSize: source.data.tokenizer.vocabSize});
  return {label, config, source};
}

export const trainCommand: Command = {
  summary: "train a model on the addition task or a text and save it",
  usage: USAGE,
  async run(argv, out) {
    const v = parseOptions(argv, OPTIONS);
    const {settings, seed, record, extra} = settingsFrom(v);
    const path = required(v.out, "--out");
    const backend = await startBackend(v.backend);
    const resumed = v.resume === undefined ? null : loadCheckpointFile(v.resume);
    const {label, config, source} = modelFrom(v, resumed, seed, await tokenizerFrom(v.tokenizer, resumed));
    const budget = parseNumber(v["memory-budget"], "--memory-budget", MEMORY_BUDGET_BYTES / 1e9, 0, true) * 1e9;
    const tooBig = memoryProblem(config, settings.batchSize, budget);
    if (tooBig) {
      if (resumed) disposeParams(resumed.params);
      throw new CliError(`${tooBig} (or raise --memory-budget)`);
    }
    const {data, addition, valText} = source;
    const perByte = (loss: number | null) =>
      valText && loss !== null
        ? ` (${bits(lossPerByte(loss, valText.tokens, valText.bytes)).toFixed(4)} bits/byte)`
        : "";
    if (addition) settings.evalIters = Math.ceil(addition.test.length / settings.batchSize); // the whole held-out set
    if (resumed) checkResume(v.resume!, resumed, config, data);
    const session = resumed
      ? resumeSession(v.resume!, resumed, {data, settings, seed})
      : new TrainingSession({params: initParams(config, seed), data, settings, seed});
    const {weightDecay, beta2} = session.settings;
    const training = {data: source.describe, ...record, weightDecay, beta2, ...extra};
    const save = async () => {
      const bytes = await session.checkpoint(data.tokenizer, training, {weightsOnly: v["weights-only"]});
      try {
        writeFileSync(`${path}.partial`, bytes);
        renameSync(`${path}.partial`, path);
      } catch (error) {
        throw new CliError(`cannot write ${path}: ${reason(error)}`);
      }
    };

    const {steps, batchSize, gradAccum} = settings;
    const start = session.stepsDone;
    const bar = new ProgressBar();
    let interrupted = false; // the first Ctrl-C stops after the step in progress, the second exits at once
    const interrupt = () => (interrupted ? process.exit(130) : ((interrupted = true), session.stop()));
    process.on("SIGINT", interrupt);
    const size = `${countParams(config).total.toLocaleString("en-US")} parameters`;
    const batch = gradAccum > 1 ? `${gradAccum} micro-batches of ${batchSize}` : `batch ${batchSize}`;
    bar.log(
      `training ${label}, ${size}, on ${backend}: steps ${start}→${steps}, ${batch}, ${data.blockSize} tokens per sequence`
    );
    const t0 = performance.now();
    const every = Math.max(1, Math.round(steps / 100)); // plain lines: about 100 per run
    let [last, loss, val, score] = [null as Progress | null, null as number | null, null as number | null, ""];
    try {
      for await (const p of session.run()) {
        [last, loss] = [p, p.loss ?? loss];
        const line = {step: p.step, steps, start, elapsed: (performance.now() - t0) / 1000, fields: fieldsOf(p, loss)};
        if (p.valLoss !== null) {
          val = p.valLoss;
          score = addition ? await scoreAddition(session.params, addition) : "";
          bar.log(`${bar.plain(line)}  val loss ${p.valLoss.toFixed(4)}${perByte(p.valLoss)}${score}`);
          if (p.step > start) await save();
        } else if (!bar.tty && (p.step - start) % every === 0) bar.log(bar.plain(line));
        bar.update(line, p.done !== null);
        if (p.done) bar.end();
        if (p.done?.reason === "stopped") bar.log(`tinygpt: ${p.done.message}`);
      }
      if (last && last.step > start) await save();
    } finally {
      process.off("SIGINT", interrupt);
      session.dispose();
    }
    if (last?.done?.reason === "nonfinite") {
      throw new CliError(`${last.done.message}${last.step > start ? `; wrote ${path}` : `; ${path} not written`}`);
    }
    const wall = clock((performance.now() - t0) / 1000);
    const speed = `${Math.round(last?.tokensPerSecond ?? 0).toLocaleString("en-US")} tokens/s on ${backend}`;
    const losses = `train loss ${loss?.toFixed(4) ?? "?"}, val loss ${val?.toFixed(4) ?? "?"}${perByte(val)}${score}`;
    out(
      `${last?.done?.reason ?? "finished"} at step ${last?.step ?? start} in ${wall} (${speed}): ${losses}; wrote ${path}`
    );
  }
};

/** The session that goes on from a checkpoint written by tinygpt train: it must carry the optimizer's state. */
function resumeSession(
  path: string,
  resumed: Checkpoint,
  init: {data: Source["data"]; settings: TrainSettings; seed: number}
) {
  if (readOptimizer(resumed) === null) {
    disposeParams(resumed.params);
    throw new CliError(`${path} has no optimizer state (saved with --weights-only?): it cannot be resumed`);
  }
  return TrainingSession.fromCheckpoint(resumed, init);
}

const fieldsOf = (p: Progress, loss: number | null) =>
  [
    `loss ${loss?.toFixed(4) ?? "-"}`,
    `lr ${p.lr.toExponential(2)}`,
    `norm ${p.gradNorm?.toFixed(3) ?? "-"}`,
    `${Math.round(p.tokensPerSecond).toLocaleString("en-US")} tok/s`
  ].join("  ");

async function scoreAddition(params: Params, task: AdditionTask): Promise<string> {
  const {exact, perPosition} = await additionAccuracy(params, task.test);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `  held-out exact ${pct(exact)}  per position ${perPosition.map(pct).join(" ")}`;
}
