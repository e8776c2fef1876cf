// The printed table: one block per section, the goals beside the figures (targets, not pass/fail).
import type {PeerResult} from "./sections/peer.js";
import type {EditResult, LoadResult} from "./site.js";
import {formatTokenizer, type TokenizerResult} from "./tokenizer.js";
import {formatChapter9, type Chapter9Result} from "./chapter9.js";
import type {
  CeilingResult,
  GenerationResult,
  MemoryResult,
  SoakPhase,
  SoakResult,
  TrainResult
} from "./workloads/index.js";

export interface Target {
  runtime: "chromium" | "node";
  backend: string;
}

export const label = (t: Target): string => `${t.runtime} ${t.backend}`;

export interface Results {
  meta: Record<string, unknown>;
  ceiling: (Target & {threads: number | null; result: CeilingResult})[];
  training: (Target & {threads: number | null; result: TrainResult; mfu: number | null})[];
  interactivity: (EditResult | {chapter: string; pending: string})[];
  generation: (Target & {result: GenerationResult})[];
  memory: (Target & {result: MemoryResult})[];
  pageload: LoadResult[];
  soak:
    (Target & {adapter: string | null; wasmThreads: number | null; result: SoakResult; consoleErrors: string[]}) | null; // --soak only
  tokenizer: TokenizerResult | null;
  chapter9: Chapter9Result[]; // the text below the window, then in view
  peer: PeerResult[];
  failures: {where: string; error: string}[];
  skipped: {where: string; reason: string}[];
}

export const GOALS = {
  mfu: "training step ≥ 50% of the backend's matmul ceiling (baby config)",
  redraw: "edit → redraw p95 < 50 ms",
  kv: "KV cache ≥ 5× at 256 new tokens",
  memory: "zero tensor growth",
  soak: "1,000 training steps and 1,000 generated tokens in one page: flat tensor count and memory, no console errors",
  peer: "≥ 3× gpt-tfjs's tokens/s on webgl and cpu, ≥ 1.5× on webgpu"
};

const f = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);
const k = (x: number): string =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : `${x}`;
const ms = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? "–"
    : x >= 10_000
      ? `${(x / 1000).toFixed(1)} s`
      : `${x.toFixed(0)}`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const signed = (x: number | null): string => (x === null ? "–" : `${x >= 0 ? "+" : ""}${x}`);
const threads = (n: number | null | undefined): string => (n ? String(n) : "–");

function peer(rows: PeerResult[]): string[] {
  const out = [
    "8 · Peer: gpt-tfjs 0.0.5's training step and ours, same config (vocab 65, context 64, 4 layers, 4 heads, width 128, batch 16), one engine, steps interleaved",
    `    goal: ${GOALS.peer}`
  ];
  const side = (s: PeerResult["ours"]) => (s.error ? "cannot train" : f(s.tokensPerSecond, 0));
  out.push(
    table(
      [
        "runtime / backend",
        "threads",
        "ours tok/s",
        "gpt-tfjs tok/s",
        "ratio",
        "pairs",
        "1st step",
        "their 1st",
        "Δtensors"
      ],
      rows.map((p) => [
        label(p),
        threads(p.threads),
        side(p.ours),
        side(p.peer),
        p.ratio === null ? "–" : `${p.ratio.toFixed(2)}×`,
        String(p.pairs),
        ms(p.ours.firstStepMs),
        ms(p.peer.firstStepMs),
        `${signed(p.ours.tensorsGrowth)} / ${signed(p.peer.tensorsGrowth)}`
      ])
    )
  );
  for (const p of rows)
    for (const [who, s] of [
      ["ours", p.ours],
      ["gpt-tfjs", p.peer]
    ] as const)
      if (s.error) out.push(`    ${label(p)}: ${who} cannot train: ${s.error}`);
  out.push(
    "    tokens/s from each side's median step (each synced on its loss); ours: TrainingSession.step (AdamW, guard);",
    "    gpt-tfjs: its train()'s step (Adam, clipping to 1.0); Δtensors over the timed steps: ours / gpt-tfjs"
  );
  return out;
}

function soak(x: NonNullable<Results["soak"]>): string[] {
  const s = x.result;
  const out = [
    `7 · Soak (issue #9): ${label(x)}, one page: session.run() ${s.training.count} steps (${s.config}, ${k(s.params)} params), then sample() ${s.generation.count} tokens (KV cache, blockSize ${s.blockSize}: the window slides)`,
    `    goal: ${GOALS.soak}`
  ];
  const mb = (b: number | null) => (b === null ? "–" : (b / 2 ** 20).toFixed(1));
  const rows = (name: string, p: SoakPhase) =>
    p.series.map((q, i) => [
      i === 0 ? name : "",
      String(q.at),
      (q.ms / 1000).toFixed(1),
      i === 0 ? "" : f((q.ms - p.series[i - 1].ms) / (q.at - p.series[i - 1].at), 1),
      String(q.held.tensors),
      String(q.held.bytes),
      q.held.gpuBytes === null ? "–" : String(q.held.gpuBytes),
      mb(q.wasmHeapBytes),
      mb(q.jsHeapBytes),
      q.loss === null ? "" : q.loss.toFixed(3)
    ]);
  out.push(
    table(
      ["phase", "at", "s", "ms each", "tensors", "bytes", "GPU bytes", "wasm MiB", "JS heap MiB", "loss"],
      [...rows("train (step)", s.training), ...rows("sample (token)", s.generation)]
    )
  );
  const phase = (name: string, p: SoakPhase) =>
    `    ${name}: first → last Δtensors ${signed(p.deltaTensors)}, Δbytes ${signed(p.deltaBytes)}` +
    (p.deltaGpuBytes === null ? "" : `, ΔGPU bytes ${signed(p.deltaGpuBytes)}`) +
    `; range over the series ${p.rangeTensors} tensors, ${p.rangeBytes} bytes; ${(p.ms / 1000).toFixed(1)} s → flat: ${p.flat ? "yes" : "no"}`;
  out.push(phase("train ", s.training), phase("sample", s.generation));
  const heap = s.training.series.map((q) => q.wasmHeapBytes);
  const later = [...heap.slice(1), ...s.generation.series.map((q) => q.wasmHeapBytes)].filter((b) => b !== null);
  out.push(
    `    model + AdamW ${s.start.tensors} tensors, ${s.start.bytes} bytes; the loop's guard +${s.training.series[0].held.tensors - s.start.tensors}; ` +
      `between two tokens ${s.generation.series[0]?.held.tensors ?? "–"} (before sampling ${s.generation.before.tensors}); after both ${s.end.tensors} tensors, ${s.end.bytes} bytes` +
      (heap[0] === null || !later.length
        ? ""
        : `\n    wasm memory ${mb(heap[0])} MiB at step 0, then ${[...new Set([Math.min(...later), Math.max(...later)].map(mb))].join("–")} MiB at every later reading (it grows to its high-water mark, never shrinks)`)
  );
  out.push(
    `    positions run per token ${s.generation.ranMin}–${s.generation.ranMax}; in all ${(s.ms / 1000).toFixed(0)} s; console errors and WebGPU warnings: ${x.consoleErrors.length}`
  );
  out.push(
    `    flat (both phases, and end = start): ${s.flat ? "yes" : "no"}; no console errors: ${x.consoleErrors.length ? "no" : "yes"}`
  );
  return out;
}

export function format(r: Results): string {
  const out: string[] = [];
  const m = r.meta as {date: string; machine: string; load: string; chromium: string; node: string; mode: string};
  out.push(`TinyGPT bench · ${m.date} · ${m.mode}`);
  out.push(`${m.machine} · load ${m.load} · Chromium ${m.chromium} · Node ${m.node}`);
  out.push("Shared 2-core machine: timings are noisy (medians moved 30% between runs); counts are exact.\n");

  if (r.ceiling.length) {
    out.push(
      "1 · Ceiling: 1024×1024 by 1024×1024 float32 product by the model's matMul (on cpu and webgl the course's own kernels), synced; median of n samples"
    );
    out.push(
      table(
        ["runtime / backend", "threads", "GFLOP/s", "min–max", "ms/matmul", "n", "tf.matMul GFLOP/s"],
        r.ceiling.map((c) => [
          label(c),
          threads(c.threads),
          f(c.result.gflops.median, 2),
          `${f(c.result.gflops.min, 2)}–${f(c.result.gflops.max, 2)}`,
          ms(c.result.msPerMatmul),
          String(c.result.samples),
          c.result.backendGflops === null ? "same" : f(c.result.backendGflops, 2)
        ])
      )
    );
    out.push("");
  }
  if (r.training.length) {
    out.push(
      "2 · Training: TrainingSession.step (forward, loss, backward, clip 1.0, NaN guard, AdamW), each step synced on its loss and norm"
    );
    out.push(`    goal: ${GOALS.mfu}`);
    out.push(
      table(
        [
          "runtime / backend",
          "threads",
          "config",
          "ms/step",
          "min–max",
          "n",
          "tokens/s",
          "GFLOP/s",
          "MFU %",
          "1st step",
          "Δtensors",
          "kernels"
        ],
        r.training.map((t) => {
          const s = t.result;
          return [
            label(t),
            threads(t.threads),
            `${s.config} B=${s.batchSize}${s.simd === false ? " no SIMD" : ""}`,
            ms(s.stepMs.median),
            `${ms(s.stepMs.min)}–${ms(s.stepMs.max)}`,
            `${s.stepMs.n}${s.capped ? "*" : ""}`,
            f(s.tokensPerSecond, 0),
            f(s.gflops, 2),
            f(t.mfu === null ? null : 100 * t.mfu, 0),
            ms(s.firstStepMs),
            String(s.tensorsGrowth),
            s.profile ? String(s.profile.kernels) : ""
          ];
        })
      )
    );
    const seen = new Map(r.training.map((t) => [t.result.config, t.result]));
    for (const s of seen.values())
      out.push(
        `    ${s.config}: ${k(s.params)} params, ${s.tokensPerStep} tokens/step, 6·N + 12·L·C·T = ${(s.flopsPerToken / 1e6).toFixed(2)} MFLOP/token`
      );
    out.push("    * fewer than 10 timed steps: the row's time budget ran out (npm run bench -- --full lifts it)");
    if (r.training.some((t) => t.result.simd === false))
      out.push(
        "    no SIMD: wasm without the course's SIMD kernels (useSimdKernels(false)): TF.js's ops, XNNPACK per head for attention"
      );
    out.push(
      "    MFU = model GFLOP/s ÷ the same backend's matmul ceiling (its best sample); kernels = kernels one step launches (tf.profile)"
    );
    out.push("");
  }
  if (r.interactivity.length) {
    out.push(
      "3 · Interactivity: built site, default model; a new seed → every view redrawn (end of the first frame painted after the last change)"
    );
    out.push(`    goal: ${GOALS.redraw}`);
    out.push(
      table(
        ["chapter", "backend", "p50 ms", "p95 ms", "min–max", "edits", "forward p50", "views", "Δtensors"],
        r.interactivity.map((e) =>
          "pending" in e
            ? [e.chapter, "–", "pending", "", "", "", "", "", e.pending]
            : [
                e.chapter,
                e.asked ? e.backend : `${e.backend} (site's pick)`,
                ms(e.redrawMs.median),
                ms(e.redrawMs.p95),
                `${ms(e.redrawMs.min)}–${ms(e.redrawMs.max)}`,
                String(e.edits),
                ms(e.forwardMs.median),
                String(e.views),
                String(e.tensorsGrowth)
              ]
        )
      )
    );
    out.push(
      "    forward = the page's forward pass alone (window.__tinygpt.lastRunMs: runModel or runOutput, with its read-back)"
    );
    out.push("    the site's pick is measured, then each --edit-backends backend it did not pick (default: wasm)");
    out.push("");
  }
  if (r.generation.length) {
    out.push("4 · Generation: greedy, 1-token prompt, baby model with blockSize 320 (the window never slides)");
    out.push(`    goal: ${GOALS.kv}`);
    out.push(
      table(
        ["runtime / backend", "new tokens", "cached tok/s", "uncached tok/s", "speedup"],
        r.generation.map((g) => {
          const s = g.result;
          const part = (d: {tokens: number}) => (d.tokens < s.newTokens ? ` (${d.tokens}*)` : "");
          return [
            label(g),
            String(s.newTokens),
            `${f(s.cached.tokensPerSecond, 1)}${part(s.cached)}`,
            `${f(s.uncached.tokensPerSecond, 1)}${part(s.uncached)}`,
            `${s.capped ? "≥ " : ""}${f(s.speedup, 1)}×`
          ];
        })
      )
    );
    out.push(
      "    * (n*) only n tokens before the time budget ran out; an uncached rate over the early, short windows is"
    );
    out.push("      optimistic, so the speedup is then a lower bound (≥)");
    out.push("");
  }
  if (r.memory.length) {
    out.push("5 · Memory: the training loop (session.run(), addition model, batch 8), then sample() with the KV cache");
    out.push(`    goal: ${GOALS.memory}`);
    out.push(
      table(
        [
          "runtime / backend",
          "tensors start",
          "after train",
          "after sample",
          "bytes start",
          "Δbytes train",
          "Δbytes sample",
          "steps",
          "tokens"
        ],
        r.memory.map((x) => {
          const s = x.result;
          const d = (a: number, b: number) => signed(b - a);
          return [
            label(x),
            String(s.start.tensors),
            d(s.start.tensors, s.afterTraining.tensors),
            d(s.afterTraining.tensors, s.afterGeneration.tensors),
            k(s.start.bytes),
            d(s.start.bytes, s.afterTraining.bytes),
            d(s.afterTraining.bytes, s.afterGeneration.bytes),
            String(s.trainSteps),
            String(s.genTokens)
          ];
        })
      )
    );
    out.push("");
  }
  if (r.pageload.length) {
    out.push("6 · Page load: built site, cold (fresh context), times from navigation start");
    out.push(
      table(
        ["page", "backend", "TF.js ready ms", "first view ms", "settled ms", "JS KB", "all KB", "requests"],
        r.pageload.map((p) => [
          p.page,
          p.backend,
          ms(p.badgeMs),
          ms(p.firstViewMs),
          ms(p.settledMs),
          (p.jsBytes / 1024).toFixed(0),
          (p.totalBytes / 1024).toFixed(0),
          String(p.requests)
        ])
      )
    );
    out.push("");
  }
  if (r.soak) out.push(...soak(r.soak), "");
  if (r.tokenizer) out.push(...formatTokenizer(r.tokenizer, table), "");
  if (r.chapter9.length) out.push(...formatChapter9(r.chapter9, table), "");
  if (r.peer.length) out.push(...peer(r.peer), "");
  if (r.skipped.length)
    out.push(`Skipped (npm run bench -- --full runs them): ${r.skipped.map((x) => x.where).join(", ")}`);
  for (const x of r.failures) out.push(`FAILED ${x.where}: ${x.error}`);
  return out.join("\n");
}
