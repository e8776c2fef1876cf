// 7 · The soak (issue #9; not in the default run): many training steps and tokens in one page, memory read all along.
import * as tf from "@tinygpt/tf";
import {preset} from "../../src/gpt/presets.js";
import {additionTask} from "../../src/gpt/data/addition.js";
import {initParams} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {sample} from "../../src/gpt/sample.js";
import {TrainingSession} from "../../src/gpt/session.js";
import {benchSettings, held, now, type Held} from "./common.js";

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
