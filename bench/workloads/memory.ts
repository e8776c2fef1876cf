// 5 · Memory: what the backend holds before and after the training loop and sampling.
import {preset} from "../../src/gpt/presets.js";
import {additionTask} from "../../src/gpt/data/addition.js";
import {initParams} from "../../src/gpt/params.js";
import {sample} from "../../src/gpt/sample.js";
import {TrainingSession} from "../../src/gpt/session.js";
import {benchSettings, held, now, type Held} from "./common.js";

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
