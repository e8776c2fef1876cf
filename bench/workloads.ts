// The measurements that run on a TF.js backend: the same code in Node (tsx) and in Chromium (bundled by
// bench/browser.ts with the "browser" condition, as the site gets src/gpt). Each returns plain JSON.
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../src/gpt/config.js";
import {preset} from "../src/gpt/presets.js";
import {additionTask} from "../src/gpt/data/addition.js";
import type {Batch, Dataset} from "../src/gpt/data/corpus.js";
import {argmax} from "../src/gpt/distribution.js";
import {KVCache, nextLogits} from "../src/gpt/kvcache.js";
import {disposeParams, initParams} from "../src/gpt/params.js";
import {countParams} from "../src/gpt/count.js";
import {mulberry32} from "../src/gpt/random.js";
import {sample} from "../src/gpt/sample.js";
import {recipe, type TrainSettings} from "../src/gpt/recipes.js";
import {TrainingSession} from "../src/gpt/session.js";
import {CharTokenizer} from "../src/gpt/tokenizer.js";

// ---- configs ----

/** data/configs/baby-shakespeare.json: nanoGPT's baby char model (no biases). */
export const BABY: GPTConfig = makeConfig({
  ...{vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0},
  ...{qkvBias: false, projBias: false, mlpBias: false, lnBias: false}
});

export type TrainConfigName = "addition" | "baby";

export const TRAIN_CONFIGS: Readonly<Record<TrainConfigName, {config: GPTConfig; batchSize: number}>> = {
  addition: {config: preset("addition"), batchSize: 128},
  baby: {config: BABY, batchSize: 16}
};

/**
 * Model FLOPs per token of a training step (forward + backward), nanoGPT's estimate_mfu / PaLM appendix B:
 *   6·N + 12·L·C·T
 * N: the parameters that take part in matmuls (all of them except the position table; a tied wte counts once, as
 * the head), L layers, C width, T the context length of a batch row (the attention scores and the weighted sum:
 * 2·2·T·C per layer per token forward, ×3 with the backward).
 */
export function flopsPerToken(config: GPTConfig, T = config.blockSize): number {
  const N = countParams(config).excludingPositions;
  return 6 * N + 12 * config.nLayer * config.nEmbd * T;
}

// ---- helpers ----

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
  p95: number;
}

export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return {n: s.length, median, min: s[0], max: s[s.length - 1], p95: at(0.95)};
}

const now = () => performance.now();

/** What the backend holds: tensors, and bytes (on the GPU too, where the backend says). */
export interface Held {
  tensors: number;
  bytes: number;
  gpuBytes: number | null;
}

export function held(): Held {
  const m = tf.memory() as tf.MemoryInfo & {numBytesInGPU?: number};
  return {tensors: m.numTensors, bytes: m.numBytes, gpuBytes: m.numBytesInGPU ?? null};
}

/** B rows of T random ids in [0, V) and their random targets: the speed of a step does not depend on the text. */
function syntheticData(config: GPTConfig, seed: number): Dataset {
  const {vocabSize: V, blockSize: T} = config;
  const batch = (_split: string, index: number, B: number): Batch => {
    const u = mulberry32(seed * 7919 + index);
    const ids = () => Int32Array.from({length: B * T}, () => Math.floor(u() * V));
    return {x: ids(), y: ids(), B, T};
  };
  return {
    tokenizer: new CharTokenizer(Array.from({length: V}, (_, i) => String.fromCodePoint(0x4e00 + i))),
    blockSize: T,
    batch
  };
}

const dataFor = (name: TrainConfigName): Dataset =>
  name === "addition" ? additionTask({seed: 0, nTrain: 2000, nTest: 100}) : syntheticData(BABY, 0);

// ---- 1. ceiling ----

export interface CeilingResult {
  n: number; // the matmul is n×n by n×n
  gflops: Spread; // per sample
  msPerMatmul: number; // median
  samples: number;
}

/**
 * The backend's practical peak: an n×n by n×n float32 matMul (2n³ FLOPs), each sample a run of k matmuls ended by
 * reading back one element of the last (synced), after one warm-up matmul; k chosen so a sample lasts ≥ 150 ms.
 */
export async function ceiling({n = 1024, repeats = 5, maxMs = 15_000} = {}): Promise<CeilingResult> {
  const [a, b] = tf.tidy(() => [
    tf.randomNormal([n, n], 0, 1, "float32", 1),
    tf.randomNormal([n, n], 0, 1, "float32", 2)
  ]);
  const run = async (k: number) => {
    const t0 = now();
    let last: tf.Tensor | null = null;
    for (let i = 0; i < k; i++) {
      last?.dispose();
      last = tf.matMul(a, b);
    }
    const corner = tf.slice(last!, [0, 0], [1, 1]);
    await corner.data();
    const ms = now() - t0;
    tf.dispose([corner, last!]);
    return ms;
  };
  try {
    const first = await run(1); // warm-up: compiles shaders, sizes buffers
    const k = Math.max(1, Math.min(16, Math.ceil(150 / Math.max(1, first))));
    const per: number[] = [];
    const start = now();
    while (per.length < repeats && (per.length < 2 || now() - start < maxMs)) per.push((await run(k)) / k);
    const flop = 2 * n ** 3;
    const s = spread(per.map((ms) => flop / ms / 1e6));
    return {n, gflops: s, msPerMatmul: spread(per).median, samples: per.length};
  } finally {
    tf.dispose([a, b]);
  }
}

// ---- 2. training throughput ----

export interface KernelShare {
  name: string;
  count: number;
  ms: number; // summed kernelTimeMs under tf.profile (inflated on GPUs: rank only)
}

export interface StepProfile {
  kernels: number; // kernels launched by one step
  newTensors: number;
  peakBytes: number;
  top: KernelShare[];
}

export interface TrainResult {
  config: TrainConfigName;
  batchSize: number;
  tokensPerStep: number;
  params: number;
  flopsPerToken: number;
  firstStepMs: number;
  warmup: number;
  stepMs: Spread;
  tokensPerSecond: number; // from the median step
  gflops: number; // achieved model GFLOP/s from the median step
  tensorsGrowth: number; // numTensors after the timed steps − before them
  loss: number; // the last step's loss (a sanity check)
  capped: boolean; // fewer steps than asked for because the time budget ran out
  profile: StepProfile | null;
}

/** The bench's training settings: nanoGPT's character recipe at a constant 6e-4, batch B. */
const benchSettings = (batchSize: number, fields: Partial<TrainSettings> = {}): TrainSettings => ({
  ...recipe("nanogpt-char"),
  ...{batchSize, lr: 6e-4, schedule: "constant", warmup: 0, minLr: 0, evalEvery: 0, evalIters: 1},
  ...fields
});

/**
 * The real training step (TrainingSession.step: forward, loss, backward, clipping to 1.0, the NaN guard, AdamW) on
 * one config: warm-up steps, then up to `steps` timed steps, each synced by reading its loss and gradient norm back
 * (as the training loop's logged steps do). Stops early, after at least minSteps, once maxMs is spent.
 */
export async function training(
  name: TrainConfigName,
  {warmup = 2, steps = 10, minSteps = 3, maxMs = 60_000, profile = false} = {}
): Promise<TrainResult> {
  const {config, batchSize: B} = TRAIN_CONFIGS[name];
  const data = dataFor(name);
  const session = new TrainingSession({params: initParams(config, 0), data, settings: benchSettings(B), seed: 0});
  const step = async () => {
    const t0 = now();
    const {loss: value} = await session.step();
    return {ms: now() - t0, value};
  };
  try {
    const firstStepMs = (await step()).ms;
    // A second warm-up step only where steps are cheap: on a software GPU one step can take most of a minute.
    let warmed = 1;
    for (; warmed < warmup && firstStepMs < 5000; warmed++) await step();
    const before = tf.memory().numTensors;
    const times: number[] = [];
    let loss = NaN;
    const start = now();
    // A software GPU: one timed step after the warm-up, unless there is no time limit (--full).
    const least = firstStepMs > 20_000 && Number.isFinite(maxMs) ? 1 : minSteps;
    while (times.length < steps && (times.length < least || now() - start < maxMs)) {
      const r = await step();
      times.push(r.ms);
      loss = r.value;
    }
    const tensorsGrowth = tf.memory().numTensors - before;
    const stepMs = spread(times);
    const tokensPerStep = B * data.blockSize;
    const fpt = flopsPerToken(config, data.blockSize);
    const tokensPerSecond = (1000 * tokensPerStep) / stepMs.median;
    let prof: StepProfile | null = null;
    if (profile) prof = summarise(await tf.profile(async () => void (await session.step())));
    return {
      config: name,
      batchSize: B,
      tokensPerStep,
      params: countParams(config).total,
      flopsPerToken: fpt,
      firstStepMs,
      warmup: warmed,
      stepMs,
      tokensPerSecond,
      gflops: (tokensPerSecond * fpt) / 1e9,
      tensorsGrowth,
      loss,
      capped: times.length < steps,
      profile: prof
    };
  } finally {
    session.dispose();
  }
}

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

function summarise(info: ProfileInfo): StepProfile {
  const byName = new Map<string, KernelShare>();
  for (const k of info.kernels) {
    const share = byName.get(k.name) ?? {name: k.name, count: 0, ms: 0};
    share.count++;
    share.ms += Number(k.kernelTimeMs) || 0;
    byName.set(k.name, share);
  }
  const top = [...byName.values()].sort((a, b) => b.ms - a.ms);
  return {kernels: info.kernels.length, newTensors: info.newTensors, peakBytes: info.peakBytes, top};
}

// ---- 4. generation ----

/** The baby model with room for a 1-token prompt and 256 new tokens: the KV cache is never rebuilt. */
export const GEN_CONFIG: GPTConfig = makeConfig({...BABY, blockSize: 320});

export interface Decoding {
  tokens: number; // tokens generated before the deadline (newTokens unless capped)
  ms: number;
  tokensPerSecond: number;
}

export interface GenerationResult {
  newTokens: number;
  blockSize: number;
  cached: Decoding;
  uncached: Decoding;
  speedup: number; // cached / uncached tokens per second
  capped: boolean; // a run stopped at its deadline: its rate covers only the first tokens
}

/**
 * Greedy decoding after a 1-token prompt, with and without the KV cache: the loop of kvcache.ts's timeDecoding
 * (nextLogits, the path sample() takes), after a warm-up of 8 tokens each, but stopped at maxMs.
 * A capped uncached run read only the shorter early windows, so its rate is optimistic and the speedup a lower bound.
 */
export async function generation(newTokens: number, {maxMs = Infinity} = {}): Promise<GenerationResult> {
  const params = initParams(GEN_CONFIG, 0);
  const decode = async (n: number, kv: boolean, deadline: number): Promise<Decoding> => {
    const cache = kv ? new KVCache() : null;
    const seq = [1];
    const t0 = now();
    try {
      while (seq.length - 1 < n && (seq.length === 1 || now() < deadline))
        seq.push(argmax((await nextLogits(params, [seq], cache)).logits[0]));
    } finally {
      cache?.clear();
    }
    const ms = now() - t0;
    return {tokens: seq.length - 1, ms, tokensPerSecond: (1000 * (seq.length - 1)) / ms};
  };
  try {
    await decode(8, true, now() + maxMs / 4); // warm-up (longer than compareDecoding's 2 tokens: wasm tiers up)
    await decode(8, false, now() + maxMs / 4);
    const cached = await decode(newTokens, true, now() + maxMs);
    const uncached = await decode(newTokens, false, now() + maxMs);
    const capped = cached.tokens < newTokens || uncached.tokens < newTokens;
    const speedup = cached.tokensPerSecond / uncached.tokensPerSecond;
    return {newTokens, blockSize: GEN_CONFIG.blockSize, cached, uncached, speedup, capped};
  } finally {
    disposeParams(params);
  }
}

// ---- 5. memory ----

export interface MemoryResult {
  config: string;
  trainSteps: number;
  genTokens: number;
  start: Held; // weights and optimizer made
  afterTraining: Held; // after the training loop
  afterGeneration: Held; // after sampling
  ms: number;
}

/**
 * What the backend holds before and after `steps` updates of the real training loop (TrainingSession.run(): loss read every 10
 * steps, val loss at the start and the end) and `tokens` tokens of sample() with the KV cache, on the addition
 * model at batch 8 (so 200 steps stay affordable on every backend). Flat means no leak.
 */
export async function memory({steps = 200, tokens = 200, batchSize = 8, maxMs = Infinity} = {}): Promise<MemoryResult> {
  const t0 = now();
  const data = additionTask({seed: 0, nTrain: 2000, nTest: 100});
  const params = initParams(preset("addition"), 0);
  const fields = {steps, schedule: "cosine" as const, lr: 1e-3, warmup: 10, logEvery: 10};
  const session = new TrainingSession({params, data, settings: benchSettings(batchSize, fields), seed: 0});
  try {
    const start = held();
    const deadline = now() + maxMs / 2;
    for await (const progress of session.run()) {
      if (progress.done) break;
      if (now() > deadline) session.stop();
    }
    const afterTraining = held();
    const trained = session.stepsDone;
    let generated = 0;
    const abort = new AbortController();
    const stopAt = now() + maxMs / 2;
    for await (const _step of sample(params, [1, 2, 3], {maxNewTokens: tokens, seed: 0, signal: abort.signal})) {
      generated++;
      if (now() > stopAt) abort.abort();
    }
    const afterGeneration = held();
    return {
      config: `addition, batch ${batchSize}`,
      trainSteps: trained,
      genTokens: generated,
      start,
      afterTraining,
      afterGeneration,
      ms: now() - t0
    };
  } finally {
    session.dispose();
  }
}

// ---- 7. soak (issue #9; not in the default run) ----

/** One reading of the soak: after `at` steps (or tokens), `ms` into its phase. */
export interface SoakPoint {
  at: number;
  ms: number;
  held: Held;
  wasmHeapBytes: number | null; // the wasm backend's linear memory (it only grows: a leak outside tensors shows here)
  jsHeapBytes: number | null; // Chromium's performance.memory.usedJSHeapSize (coarse, moves with GC: not judged)
  loss: number | null; // training: the train loss read at that step
}

export interface SoakPhase {
  count: number; // steps or tokens done
  ms: number;
  series: SoakPoint[]; // training: at 0, every, 2·every, …, count; generation: at every, …, count
  deltaTensors: number; // last point − first point
  deltaBytes: number;
  deltaGpuBytes: number | null;
  rangeTensors: number; // max − min over the series
  rangeBytes: number;
  flat: boolean; // tensors and bytes the same at every point
}

export interface SoakResult {
  config: string;
  params: number;
  batchSize: number;
  blockSize: number;
  every: number;
  start: Held; // model and AdamW made
  training: SoakPhase;
  generation: SoakPhase & {before: Held; prompt: number; ranMin: number; ranMax: number}; // ran: positions per token
  end: Held; // after both (the sampler's cache freed)
  flat: boolean; // both phases flat, and end = start
  ms: number;
}

function wasmHeapBytes(): number | null {
  const backend = tf.backend() as unknown as {wasm?: {HEAPU8?: Uint8Array}};
  return tf.getBackend() === "wasm" ? (backend.wasm?.HEAPU8?.byteLength ?? null) : null;
}

function jsHeapBytes(): number | null {
  const memory = (performance as unknown as {memory?: {usedJSHeapSize: number}}).memory;
  return memory?.usedJSHeapSize ?? null;
}

function phase(count: number, ms: number, series: SoakPoint[]): SoakPhase {
  const [first, last] = [series[0].held, series[series.length - 1].held];
  const range = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  const rangeTensors = range(series.map((p) => p.held.tensors));
  const rangeBytes = range(series.map((p) => p.held.bytes));
  return {
    count,
    ms,
    series,
    deltaTensors: last.tensors - first.tensors,
    deltaBytes: last.bytes - first.bytes,
    deltaGpuBytes: first.gpuBytes === null || last.gpuBytes === null ? null : last.gpuBytes - first.gpuBytes,
    rangeTensors,
    rangeBytes,
    flat: rangeTensors === 0 && rangeBytes === 0
  };
}

/**
 * Issue #9's soak, in one page: `steps` updates of the real training loop (TrainingSession.run(): the addition model at batch
 * `batchSize`, loss read every 10 steps, val loss at the first and the last step), then `tokens` tokens of sample()
 * from the trained model with the KV cache (blockSize 12 and a prompt of 3: the window slides from the 10th token). tf.memory() is read at the start of each phase and every `every` steps or tokens;
 * with `progress`, each reading is also logged (console.debug "[soak] …", for the bench to relay).
 */
export async function soak({
  steps = 1000,
  tokens = 1000,
  batchSize = 8,
  every = 100,
  progress = false
} = {}): Promise<SoakResult> {
  const t0 = now();
  const config = preset("addition");
  const data = additionTask({seed: 0, nTrain: 2000, nTest: 100});
  const params = initParams(config, 0);
  const fields = {steps, schedule: "cosine" as const, lr: 1e-3, warmup: 100, logEvery: 10};
  const session = new TrainingSession({params, data, settings: benchSettings(batchSize, fields), seed: 0});
  const point = (at: number, since: number, loss: number | null = null): SoakPoint => ({
    at,
    ms: now() - since,
    held: held(),
    wasmHeapBytes: wasmHeapBytes(),
    jsHeapBytes: jsHeapBytes(),
    loss
  });
  const note = (what: string, p: SoakPoint) => {
    if (progress)
      console.debug(
        `[soak] ${what} ${p.at}: ${(p.ms / 1000).toFixed(1)} s, ${p.held.tensors} tensors, ${p.held.bytes} bytes` +
          (p.loss === null ? "" : `, loss ${p.loss.toFixed(3)}`)
      );
  };
  try {
    const start = held();
    // Training: the first reading after the initial val loss (the loop's own state made), before the first update.
    const trainSeries: SoakPoint[] = [];
    const trainStart = now();
    for await (const p of session.run()) {
      const due = p.step % every === 0 || p.done !== null; // and the last step, should `every` not divide it
      if (due && trainSeries[trainSeries.length - 1]?.at !== p.step) {
        trainSeries.push(point(p.step, trainStart, p.loss));
        note("step", trainSeries[trainSeries.length - 1]);
      }
      if (p.done) {
        if (p.done.reason !== "finished") throw new Error(`training stopped: ${p.done.message}`);
        break;
      }
    }
    const trainMs = now() - trainStart;
    // Generation: a prompt of 3 ids, temperature 1. The readings are taken between two tokens, inside the sampler's
    // loop (whatever it holds then, as a page holding the generator does); `before` is the reading before it starts.
    // Tokens 1–9 extend the cache one position each; from token 10 the sequence outgrows blockSize 12, the window
    // slides, the cache is dropped and every token reruns the 12-position window (kvcache.ts's nextLogits).
    const prompt = [1, 2, 10].map((id) => id % config.vocabSize);
    const before = held();
    const genSeries: SoakPoint[] = [];
    const genStart = now();
    let generated = 0;
    let [ranMin, ranMax] = [Infinity, 0];
    for await (const s of sample(params, prompt, {maxNewTokens: tokens, seed: 0, topN: 1})) {
      generated++;
      [ranMin, ranMax] = [Math.min(ranMin, s.ran), Math.max(ranMax, s.ran)];
      if (generated % every === 0) {
        genSeries.push(point(generated, genStart));
        note("token", genSeries[genSeries.length - 1]);
      }
    }
    if (generated % every !== 0 || !genSeries.length) genSeries.push(point(generated, genStart));
    const genMs = now() - genStart;
    const end = held();
    const training = phase(session.stepsDone, trainMs, trainSeries);
    const generation = {...phase(generated, genMs, genSeries), before, prompt: prompt.length, ranMin, ranMax};
    return {
      config: `addition, batch ${batchSize}`,
      params: countParams(config).total,
      batchSize,
      blockSize: config.blockSize,
      every,
      start,
      training,
      generation,
      end,
      flat: training.flat && generation.flat && end.tensors === start.tensors && end.bytes === start.bytes,
      ms: now() - t0
    };
  } finally {
    session.dispose();
  }
}
