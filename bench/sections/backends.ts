// A target's backend sections (ceiling, training, memory, generation), each capped by what is left of its budget;
// the workloads run in this process (Node) or in the target's page (Chromium).
import type {BrowserBench} from "../browser-entry.js";
import {BACKENDS_TOTAL_S, type BenchContext} from "../context.js";
import {label, type Target} from "../report.js";
import * as workloads from "../workloads/index.js";

/** Runs one workload for a target: in this process (Node) or in the target's page (Chromium). */
export type Runner = <A, R>(fn: (bench: BrowserBench, arg: A) => Promise<R>, arg: A) => Promise<R>;
const nodeBench = {...workloads} as unknown as BrowserBench;
export const inNode: Runner = (fn, arg) => fn(nodeBench, arg);

export async function backendSections(
  ctx: BenchContext,
  target: Target & {budget: number},
  run: Runner,
  threads: number | null // the wasm backend's, else null
): Promise<void> {
  const {sections, plan} = ctx.args;
  // Its own budget, or its share (in proportion to the budgets) of the time left before the site's sections, so
  // that a slow target early in the list cannot starve the ones after it.
  const later = ctx.args.targets.slice(ctx.args.targets.indexOf(target));
  const share = target.budget / later.reduce((sum, t) => sum + t.budget, 0);
  const left0 = ctx.started + 1000 * BACKENDS_TOTAL_S * plan.budgetScale - performance.now();
  const deadline = performance.now() + Math.min(1000 * target.budget * plan.budgetScale, share * left0);
  let firstStepMs = 0; // of the last training section: a training section needs at least that long
  const left = (cap: number) => Math.max(0, Math.min(cap, deadline - performance.now()));
  const attempt = async (name: string, fn: () => Promise<void>, needs = 0) => {
    if (performance.now() + needs >= deadline) {
      ctx.results.skipped.push({where: `${label(target)} ${name}`, reason: `over its ${target.budget} s budget`});
      ctx.log(`${label(target)} · ${name}: skipped (budget)`);
      return;
    }
    ctx.log(`${label(target)} · ${name}`);
    try {
      await fn();
    } catch (error) {
      ctx.results.failures.push({where: `${label(target)} ${name}`, error: String((error as Error).message ?? error)});
      ctx.log(`  failed: ${(error as Error).message}`);
    }
  };
  const ceiling: {gflops: number | null} = {gflops: null};
  if (sections.has("ceiling") || sections.has("training")) {
    await attempt("ceiling", async () => {
      const result = await run((b, o) => b.ceiling(o), {...plan.ceiling, maxMs: left(plan.ceiling.maxMs)});
      ceiling.gflops = result.gflops.max; // the peak: a sample slowed by the shared machine must not inflate MFU
      ctx.results.ceiling.push({...target, threads, result});
    });
  }
  if (sections.has("training")) {
    const profile = ctx.args.profile || (target.runtime === "node" && target.backend === "wasm");
    // on wasm the baby step once more without the SIMD kernels: what they gain, and its kernels before and after
    const rows: {config: workloads.TrainConfigName; simd: boolean}[] = [
      {config: "baby", simd: true},
      {config: "addition", simd: true},
      ...(target.backend === "wasm" ? [{config: "baby" as const, simd: false}] : [])
    ];
    for (const {config, simd} of rows) {
      // Skipped if one step at half the ceiling could not fit in what is left (the first, warm-up step is longer).
      const {config: c, batchSize} = workloads.TRAIN_CONFIGS[config];
      const stepFlops = workloads.flopsPerToken(c) * batchSize * c.blockSize;
      const predicted = ceiling.gflops ? stepFlops / (0.5 * ceiling.gflops * 1e6) : 0;
      await attempt(
        `training ${config}${simd ? "" : " (no SIMD kernels)"}`,
        async () => {
          const o = {...plan.training, maxMs: left(plan.training.maxMs), profile, simd};
          const result = await run((b, {config, o}) => b.training(config, o), {config, o});
          if (result.profile) result.profile.top = result.profile.top.slice(0, 12);
          firstStepMs = result.firstStepMs;
          ctx.results.training.push({
            ...{...target, threads, result},
            mfu: ceiling.gflops ? result.gflops / ceiling.gflops : null
          });
        },
        Math.max(1.5 * firstStepMs, predicted)
      );
    }
  }
  if (sections.has("memory")) {
    await attempt("memory", async () => {
      const result = await run((b, o) => b.memory(o), {...plan.memory, maxMs: left(plan.memory.maxMs)});
      ctx.results.memory.push({...target, result});
    });
  }
  if (sections.has("generation")) {
    for (const n of plan.generation.lengths) {
      await attempt(`generation ${n}`, async () => {
        const o = {n, maxMs: left(plan.generation.maxMs) / 2};
        const result = await run((b, {n, maxMs}) => b.generation(n, {maxMs}), o);
        ctx.results.generation.push({...target, result});
      });
    }
  }
}
