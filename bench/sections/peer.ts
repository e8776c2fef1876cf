// The peer (issue 17): gpt-tfjs 0.0.5's training step and ours on the same config (vocab 65, context 64, 4 layers,
// 4 heads, width 128, batch 16), on one engine and one backend per target, interleaved: after a first step each (two
// where steps are cheap), timed steps alternate ours, theirs, theirs, ours… until the target's budget is spent
// (where gpt-tfjs cannot train, ours takes ALONE_STEPS steps).
import {build, type BuildOptions} from "esbuild";
import {mkdirSync, readFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {pathToFileURL} from "node:url";
import type {Browser} from "playwright-core";
import {initBackend, type BackendName} from "../../src/gpt/backend.js";
import type {PeerBench} from "../peer/entry.js";
import {serveBench} from "../browser.js";
import {TARGETS, type BenchContext} from "../context.js";
import {label, type Target} from "../report.js";
import {BABY, PEER_BATCH, spread, type Spread} from "../workloads/common.js";
import type {Impl} from "../workloads/peer.js";

/**
 * How gpt-tfjs is bundled: its '@tensorflow/tfjs' is the course's TF.js (@tinygpt/tf) with tfjs-layers over it, one
 * engine (tfjs-layers' import of tfjs-core's gradients is dropped: @tinygpt/tf registers them). Two of its sloppy-mode
 * lines are mended, as a bundle is strict: model.js declares `const posEmb` and reassigns it on a debug path (esbuild
 * refuses to bundle it: `let`), optimizers.js clips with `tf.scalar(1.0, dtype=useNorm.dtype)`, an assignment to an
 * undeclared global (a ReferenceError in strict mode: the value alone is passed).
 */
export const PEER_BUILD: Pick<BuildOptions, "alias" | "plugins"> = {
  alias: {"@tensorflow/tfjs": "./bench/peer/tfjs.js", "@tensorflow/tfjs-core": "@tinygpt/tf"},
  plugins: [
    {
      name: "gpt-tfjs",
      setup(b) {
        const gradients = /^@(tensorflow\/tfjs-core|tinygpt\/tf)\/dist\/register_all_gradients(\.js)?$/;
        b.onResolve({filter: gradients}, ({path}) => ({path, namespace: "registered-already"}));
        b.onLoad({filter: /.*/, namespace: "registered-already"}, () => ({contents: "", loader: "js"}));
        const mends: Record<string, [string, string]> = {
          "model.js": ["const posEmb = ", "let posEmb = "],
          "optimizers.js": ["dtype=useNorm.dtype", "useNorm.dtype"]
        };
        b.onLoad({filter: /gpt-tfjs[\\/]src[\\/](model|optimizers)\.js$/}, ({path}) => {
          const [from, to] = mends[path.split(/[\\/]/).pop()!];
          const text = readFileSync(path, "utf-8");
          if (text.split(from).length !== 2) throw new Error("gpt-tfjs changed: update PEER_BUILD");
          return {contents: text.replace(from, to), loader: "js"};
        });
      }
    }
  ]
};

/** Seconds per target (default mode; --quick × 0.3, --full: no cap). One pair of timed steps is always taken. */
const BUDGET_S: Record<string, number> = {wasm: 20, webgl: 40, cpu: 40, webgpu: 60};
/** Our steps where gpt-tfjs cannot train (wasm): tokens/s from their median, without spending the budget. */
const ALONE_STEPS = 5;

const IMPLS: Impl[] = ["ours", "gpt-tfjs"];

export interface PeerSide {
  firstStepMs: number;
  stepMs: Spread | null;
  tokensPerSecond: number | null; // from the median step
  tensorsGrowth: number | null;
  error: string | null; // "cannot train": the error its first step threw
}

export interface PeerResult extends Target {
  threads: number | null; // the wasm backend's
  ours: PeerSide;
  peer: PeerSide;
  ratio: number | null; // ours ÷ gpt-tfjs, tokens/s
  pairs: number;
}

type Run = <A, R>(fn: (bench: PeerBench, arg: A) => Promise<R> | R, arg: A) => Promise<R>;

export async function peerSection(ctx: BenchContext, browser: Browser | null): Promise<void> {
  try {
    await peerTargets(ctx, browser);
  } catch (error) {
    // e.g. gpt-tfjs missing from node_modules (a dev dependency: npm install)
    ctx.results.failures.push({where: "peer", error: String((error as Error).message ?? error)});
    ctx.log(`peer failed: ${(error as Error).message}`);
  }
}

async function peerTargets(ctx: BenchContext, browser: Browser | null): Promise<void> {
  // Beside the other sections, the default run leaves out chromium webgpu (its first steps alone took 6 minutes
  // here) and node cpu (chromium cpu runs the same backend): --only=peer, --targets=… or --full runs them.
  const trimmed = ctx.args.targets === TARGETS && ctx.args.mode !== "full" && ctx.args.sections.size > 1;
  const left = (t: Target) => trimmed && ["node cpu", "chromium webgpu"].includes(label(t));
  for (const t of ctx.args.targets.filter(left))
    ctx.results.skipped.push({where: `${label(t)} peer`, reason: "left out of the default run (--only=peer runs it)"});
  const targets = ctx.args.targets.filter((t) => !left(t));
  const chromium = targets.filter((t) => t.runtime === "chromium");
  if (chromium.length && browser) {
    const server = await serveBench("bench/peer/entry.ts", PEER_BUILD);
    try {
      for (const target of chromium) {
        const page = await server.open(browser, target.backend as BackendName).catch((error: Error) => error);
        if (page instanceof Error) {
          ctx.results.failures.push({where: `${label(target)} peer`, error: page.message});
          continue;
        }
        try {
          await peerTarget(ctx, target, page.threads, page.run as unknown as Run);
          if (page.log.errors.length)
            ctx.results.failures.push({where: `${label(target)} peer`, error: page.log.errors.join("; ")});
        } finally {
          await page.close();
        }
      }
    } finally {
      await server.close();
    }
  }
  const node = targets.filter((t) => t.runtime === "node");
  if (node.length) {
    const bench = await peerForNode();
    for (const target of node) {
      const status = await initBackend({order: [target.backend as BackendName]});
      await peerTarget(ctx, target, status.threads, (fn, arg) => Promise.resolve(fn(bench, arg)));
    }
  }
}

/** bench/workloads/peer.ts bundled for Node with PEER_BUILD (tsx cannot map packages), @tinygpt/tf left external. */
async function peerForNode(): Promise<PeerBench> {
  const dir = resolve("bench/results/peer");
  mkdirSync(dir, {recursive: true});
  const outfile = join(dir, "peer.node.mjs");
  await build({
    entryPoints: ["bench/workloads/peer.ts"],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    ...PEER_BUILD,
    external: ["@tinygpt/tf"],
    logLevel: "warning"
  });
  const tf = await import("@tinygpt/tf");
  const {initBackend} = await import("../../src/gpt/backend.js");
  return {tf, initBackend, ...(await import(pathToFileURL(outfile).href))} as PeerBench;
}

async function peerTarget(ctx: BenchContext, target: Target, threads: number | null, run: Run): Promise<void> {
  const where = `${label(target)} · peer`;
  const budget = (BUDGET_S[target.backend] ?? 30) * 1000 * ctx.args.plan.budgetScale;
  const started = performance.now();
  ctx.log(where);
  const sides = Object.fromEntries(
    IMPLS.map((impl) => [
      impl,
      {firstStepMs: NaN, stepMs: null, tokensPerSecond: null, tensorsGrowth: null, error: null}
    ])
  ) as Record<Impl, PeerSide>;
  const times: Record<Impl, number[]> = {ours: [], "gpt-tfjs": []};
  for (const impl of IMPLS) {
    const s = await run((b, impl) => b.peerStart(impl), impl);
    sides[impl].firstStepMs = s.firstStepMs;
    sides[impl].error = s.error;
    if (s.error) ctx.log(`  ${impl} cannot train: ${s.error}`);
  }
  const live = IMPLS.filter((impl) => !sides[impl].error);
  // A second warm-up step where steps are cheap (as the training section does).
  for (const impl of live) if (sides[impl].firstStepMs < 5000) await run((b, impl) => b.peerStep(impl), impl);
  // Where gpt-tfjs cannot train there is no ratio to measure: our side gets a few steps, not the whole budget.
  const more = () => (live.length === IMPLS.length ? performance.now() - started < budget : pairs < ALONE_STEPS);
  let pairs = 0;
  while (live.length && (pairs === 0 || more())) {
    for (const impl of pairs % 2 ? [...live].reverse() : live) {
      const step = await run((b, impl) => b.peerStep(impl), impl);
      times[impl].push(step.ms);
      sides[impl].tensorsGrowth = (sides[impl].tensorsGrowth ?? 0) + step.tensorsGrowth;
    }
    pairs++;
  }
  for (const impl of live) {
    const stepMs = spread(times[impl]);
    Object.assign(sides[impl], {stepMs, tokensPerSecond: (1000 * PEER_BATCH * BABY.blockSize) / stepMs.median});
  }
  for (const impl of IMPLS) await run((b, impl) => b.peerStop(impl), impl);
  const [a, b] = [sides.ours.tokensPerSecond, sides["gpt-tfjs"].tokensPerSecond];
  const ratio = a !== null && b !== null ? a / b : null;
  ctx.results.peer.push({...target, threads, ours: sides.ours, peer: sides["gpt-tfjs"], ratio, pairs});
  ctx.log(
    `  ${pairs} pairs: ours ${a?.toFixed(0) ?? "–"} tokens/s, gpt-tfjs ${b?.toFixed(0) ?? "–"} → ×${ratio?.toFixed(2) ?? "–"}`
  );
}
