// What the workloads share: the configs they train, FLOPs per token, spreads of timings, what the backend holds,
// synthetic data and the bench's training settings.
import * as tf from "@tinygpt/tf";
import {makeConfig, type GPTConfig} from "../../src/gpt/config.js";
import {preset} from "../../src/gpt/presets.js";
import {additionTask} from "../../src/gpt/data/addition.js";
import type {Batch, Dataset} from "../../src/gpt/data/corpus.js";
import {countParams} from "../../src/gpt/count.js";
import {mulberry32} from "../../src/gpt/random.js";
import {recipe, type TrainSettings} from "../../src/gpt/recipes.js";
import {CharTokenizer} from "../../src/gpt/tokenizer.js";

/** data/configs/baby-shakespeare.json: nanoGPT's baby char model (no biases). */
export const BABY: GPTConfig = makeConfig({
  ...{vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0},
  ...{qkvBias: false, projBias: false, mlpBias: false, lnBias: false}
});

export type TrainConfigName = "addition" | "baby";

/** The peer section's batch (bench/workloads/peer.ts): the baby model at batch 16, as gpt-tfjs was measured. */
export const PEER_BATCH = 16;

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

export const now = (): number => performance.now();

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

export const dataFor = (name: TrainConfigName): Dataset =>
  name === "addition" ? additionTask({seed: 0, nTrain: 2000, nTest: 100}) : syntheticData(BABY, 0);

/** The bench's training settings: nanoGPT's character recipe at a constant 6e-4, batch B. */
export const benchSettings = (batchSize: number, fields: Partial<TrainSettings> = {}): TrainSettings => ({
  ...recipe("nanogpt-char"),
  ...{batchSize, lr: 6e-4, schedule: "constant", warmup: 0, minLr: 0, evalEvery: 0, evalIters: 1},
  ...fields
});
