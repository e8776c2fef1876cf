// 1 · The backend's matmul ceiling: the practical peak that MFU is measured against.
import * as tf from "@tinygpt/tf";
import {matMul} from "../../src/gpt/matMul.js";
import {now, spread, type Spread} from "./common.js";

export interface CeilingResult {
  n: number; // the matmul is n×n by n×n
  gflops: Spread; // per sample
  msPerMatmul: number; // median
  samples: number;
  backendGflops: number | null; // the backend's own tf.matMul (median), where the course multiplies with its own kernel
}

/**
 * The backend's practical peak: an n×n by n×n float32 product (2n³ FLOPs) by the matMul the model uses (src/gpt/
 * matMul.ts: the course's own kernels on cpu and webgl, tf.matMul elsewhere), each sample a run of k products ended by
 * reading back one element of the last (synced), after one warm-up product; k chosen so a sample lasts ≥ 150 ms. Where
 * the two differ (cpu, webgl), the backend's own tf.matMul is measured too (up to 2 samples), for comparison.
 */
export async function ceiling({n = 1024, repeats = 5, maxMs = 15_000} = {}): Promise<CeilingResult> {
  const ours = await peak(matMul, n, repeats, maxMs);
  const differs = ["cpu", "webgl"].includes(tf.getBackend());
  const own = differs ? (await peak(tf.matMul, n, 2, 0)).gflops.median : null;
  return {...ours, backendGflops: own};
}

async function peak(
  product: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  n: number,
  repeats: number,
  maxMs: number
): Promise<Omit<CeilingResult, "backendGflops">> {
  const [a, b] = tf.tidy(() => [
    tf.randomNormal([n, n], 0, 1, "float32", 1),
    tf.randomNormal([n, n], 0, 1, "float32", 2)
  ]);
  const run = async (k: number) => {
    const t0 = now();
    let last: tf.Tensor | null = null;
    for (let i = 0; i < k; i++) {
      last?.dispose();
      last = product(a, b);
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
