// 2 · Training throughput: the real training step, timed, with its kernel profile.
import * as tf from "@tinygpt/tf";
import {initParams} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {TrainingSession} from "../../src/gpt/session.js";
import {simdKernels, useSimdKernels} from "../../src/gpt/simd.js";
import {
  TRAIN_CONFIGS,
  benchSettings,
  dataFor,
  flopsPerToken,
  now,
  spread,
  type Spread,
  type TrainConfigName
} from "./common.js";

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
  simd: boolean | null; // on wasm, whether its SIMD kernels ran (simd.ts); null elsewhere
  capped: boolean; // fewer steps than asked for because the time budget ran out
  profile: StepProfile | null;
}

/**
 * The real training step (TrainingSession.step: forward, loss, backward, clipping to 1.0, the NaN guard, AdamW) on
 * one config: warm-up steps, then up to `steps` timed steps, each synced by reading its loss and gradient norm back
 * (as the training loop's logged steps do). Stops early, after at least minSteps, once maxMs is spent. simd: false
 * runs wasm without its SIMD kernels (the TF.js ops that webgl and webgpu run).
 */
export async function training(
  name: TrainConfigName,
  {warmup = 2, steps = 10, minSteps = 3, maxMs = 60_000, profile = false, simd = true} = {}
): Promise<TrainResult> {
  const {config, batchSize: B} = TRAIN_CONFIGS[name];
  const data = dataFor(name);
  const session = new TrainingSession({params: initParams(config, 0), data, settings: benchSettings(B), seed: 0});
  const step = async () => {
    const t0 = now();
    const {loss: value} = await session.step();
    return {ms: now() - t0, value};
  };
  useSimdKernels(simd);
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
      simd: tf.getBackend() === "wasm" ? simdKernels() !== null : null,
      capped: times.length < steps,
      profile: prof
    };
  } finally {
    session.dispose();
    useSimdKernels(true);
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
