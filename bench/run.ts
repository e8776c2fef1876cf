// npm run bench [-- --quick] [--full] [--only=ceiling,training,…] [--targets=chromium-webgl,node-wasm]
//                [--edit-backends=webgpu,wasm] [--profile] [--build] [--soak] [--soak-backend=wasm]
//                [--soak-steps=1000] [--soak-tokens=1000] [--tokenizer-corpus=../shared/data/tinyshakespeare.txt]
// Measures, on every backend, the matmul ceiling, training throughput, generation and memory; then the built site's
// interactivity and page load. Prints a table and writes bench/results/latest.json. See bench/README.md.
// The soak (issue #9: 1,000 training steps and 1,000 tokens in one page) runs only when asked for (--soak or
// --only=soak) and writes bench/results/soak.json. The tokenizer section (BPE training and encoding) runs in Node.
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {cpus, loadavg, tmpdir, totalmem} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {initBackend, type BackendName} from "../src/gpt/backend.js";
import {launch} from "../scripts/browser/chromium.js";
import {serveDir, type Site} from "../scripts/browser/serve.js";
import {serveBench, type BenchPage} from "./browser.js";
import type {BrowserBench} from "./browser-entry.js";
import {format, label, type Results, type Target} from "./report.js";
import {editLatency, pageLoad, PAGES} from "./site.js";
import {tokenizerBench} from "./tokenizer.js";
import * as workloads from "./workloads.js";

const SECTIONS = [
  "ceiling",
  "training",
  "interactivity",
  "generation",
  "memory",
  "pageload",
  "soak",
  "tokenizer"
] as const;
type Section = (typeof SECTIONS)[number];
/** The soak takes minutes on its own: a default run (about 9 minutes) leaves it out. */
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s !== "soak");

/**
 * Each target gets a time budget (seconds, default mode; --quick scales it by 0.3, --full lifts it). Its sections
 * run in the order ceiling, baby, addition, memory, generation 64, 256, each capped by what is left of the budget; a
 * section that finds it spent is reported as skipped. One step is never cut, so a slow target overruns by a step.
 */
const TARGETS: (Target & {budget: number})[] = [
  {runtime: "chromium", backend: "wasm", budget: 55},
  {runtime: "node", backend: "wasm", budget: 55},
  {runtime: "chromium", backend: "webgl", budget: 60},
  {runtime: "chromium", backend: "cpu", budget: 55},
  {runtime: "node", backend: "cpu", budget: 55},
  {runtime: "chromium", backend: "webgpu", budget: 110} // last: on a software adapter one step can take minutes
];

/** Seconds for all the targets' sections together (the site's sections take about two more minutes). */
const BACKENDS_TOTAL_S = 420;

/** How much each section does. The default keeps the whole run under 10 minutes on 2 cores by capping rows in time. */
interface Plan {
  ceiling: {repeats: number; maxMs: number};
  training: {warmup: number; steps: number; minSteps: number; maxMs: number};
  generation: {lengths: number[]; maxMs: number};
  memory: {steps: number; tokens: number; maxMs: number};
  edits: {edits: number; warmup: number};
  budgetScale: number; // × each target's budget
}

const PLANS: Record<"default" | "quick" | "full", Plan> = {
  default: {
    ceiling: {repeats: 5, maxMs: 6000},
    training: {warmup: 2, steps: 10, minSteps: 2, maxMs: 20_000},
    generation: {lengths: [64, 256], maxMs: 8000},
    memory: {steps: 200, tokens: 200, maxMs: 40_000},
    edits: {edits: 30, warmup: 3},
    budgetScale: 1
  },
  quick: {
    ceiling: {repeats: 3, maxMs: 2000},
    training: {warmup: 1, steps: 3, minSteps: 1, maxMs: 5000},
    generation: {lengths: [64], maxMs: 3000},
    memory: {steps: 30, tokens: 30, maxMs: 8000},
    edits: {edits: 10, warmup: 1},
    budgetScale: 0.3
  },
  full: {
    ceiling: {repeats: 5, maxMs: Infinity},
    training: {warmup: 2, steps: 10, minSteps: 10, maxMs: Infinity},
    generation: {lengths: [64, 256], maxMs: Infinity},
    memory: {steps: 200, tokens: 200, maxMs: Infinity},
    edits: {edits: 30, warmup: 3},
    budgetScale: Infinity
  }
};

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = [...(value("only")?.split(",") ?? DEFAULT_SECTIONS), ...(flag("soak") ? ["soak"] : [])];
  for (const s of only)
    if (!(SECTIONS as readonly string[]).includes(s))
      throw new Error(`unknown section ${s}; one of ${SECTIONS.join(", ")}`);
  const targets = value("targets")?.split(",");
  const chosen = targets ? TARGETS.filter((t) => targets.includes(`${t.runtime}-${t.backend}`)) : TARGETS;
  const mode = flag("full") ? "full" : flag("quick") ? "quick" : "default";
  const editBackends = value("edit-backends")?.split(",") ?? [""]; // "": the backend the site picks itself
  const soakBackend = value("soak-backend") ?? "wasm";
  const tokenizerCorpus = value("tokenizer-corpus") ?? "../shared/data/tinyshakespeare.txt";
  const [soakSteps, soakTokens] = ["soak-steps", "soak-tokens"].map((name) => Number(value(name) ?? 1000)); // #9's
  if (![soakSteps, soakTokens].every((n) => Number.isInteger(n) && n > 0))
    throw new Error("--soak-steps and --soak-tokens take a whole number above 0");
  if (!["webgpu", "webgl", "wasm", "cpu"].includes(soakBackend))
    throw new Error(`unknown --soak-backend=${soakBackend}; one of webgpu, webgl, wasm, cpu`);
  return {
    sections: new Set(only as Section[]),
    targets: chosen,
    mode,
    plan: PLANS[mode],
    profile: flag("profile"),
    build: flag("build"),
    editBackends,
    soakBackend: soakBackend as BackendName,
    soakSteps,
    soakTokens,
    tokenizerCorpus
  } as const;
}

const args = parseArgs(process.argv.slice(2));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => console.error(`[bench ${elapsed()}] ${line}`);

const JSON_SAFE = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v);

const results: Results = {
  meta: {},
  ceiling: [],
  training: [],
  interactivity: [],
  generation: [],
  memory: [],
  pageload: [],
  soak: null,
  tokenizer: null,
  failures: [],
  skipped: []
};

/** Runs one workload for a target: in this process (Node) or in the target's page (Chromium). */
type Runner = <A, R>(fn: (bench: BrowserBench, arg: A) => Promise<R>, arg: A) => Promise<R>;
const nodeBench = {...workloads} as unknown as BrowserBench;
const inNode: Runner = (fn, arg) => fn(nodeBench, arg);

async function backendSections(target: Target & {budget: number}, run: Runner): Promise<void> {
  const {sections, plan} = args;
  // Its own budget, or its share (in proportion to the budgets) of the time left before the site's sections, so
  // that a slow target early in the list cannot starve the ones after it.
  const later = args.targets.slice(args.targets.indexOf(target));
  const share = target.budget / later.reduce((sum, t) => sum + t.budget, 0);
  const left0 = started + 1000 * BACKENDS_TOTAL_S * plan.budgetScale - performance.now();
  const deadline = performance.now() + Math.min(1000 * target.budget * plan.budgetScale, share * left0);
  let firstStepMs = 0; // of the last training section: a training section needs at least that long
  const left = (cap: number) => Math.max(0, Math.min(cap, deadline - performance.now()));
  const attempt = async (name: string, fn: () => Promise<void>, needs = 0) => {
    if (performance.now() + needs >= deadline) {
      results.skipped.push({where: `${label(target)} ${name}`, reason: `over its ${target.budget} s budget`});
      log(`${label(target)} · ${name}: skipped (budget)`);
      return;
    }
    log(`${label(target)} · ${name}`);
    try {
      await fn();
    } catch (error) {
      results.failures.push({where: `${label(target)} ${name}`, error: String((error as Error).message ?? error)});
      log(`  failed: ${(error as Error).message}`);
    }
  };
  const ceiling: {gflops: number | null} = {gflops: null};
  if (sections.has("ceiling") || sections.has("training")) {
    await attempt("ceiling", async () => {
      const result = await run((b, o) => b.ceiling(o), {...plan.ceiling, maxMs: left(plan.ceiling.maxMs)});
      ceiling.gflops = result.gflops.median;
      results.ceiling.push({...target, result});
    });
  }
  if (sections.has("training")) {
    const profile = args.profile || (target.runtime === "node" && target.backend === "wasm");
    for (const config of ["baby", "addition"] as const) {
      // Skipped if one step at half the ceiling could not fit in what is left (the first, warm-up step is longer).
      const {config: c, batchSize} = workloads.TRAIN_CONFIGS[config];
      const stepFlops = workloads.flopsPerToken(c) * batchSize * c.blockSize;
      const predicted = ceiling.gflops ? stepFlops / (0.5 * ceiling.gflops * 1e6) : 0;
      await attempt(
        `training ${config}`,
        async () => {
          const o = {...plan.training, maxMs: left(plan.training.maxMs), profile};
          const result = await run((b, {config, o}) => b.training(config, o), {config, o});
          if (result.profile) result.profile.top = result.profile.top.slice(0, 12);
          firstStepMs = result.firstStepMs;
          results.training.push({...target, result, mfu: ceiling.gflops ? result.gflops / ceiling.gflops : null});
        },
        Math.max(1.5 * firstStepMs, predicted)
      );
    }
  }
  if (sections.has("memory")) {
    await attempt("memory", async () => {
      const result = await run((b, o) => b.memory(o), {...plan.memory, maxMs: left(plan.memory.maxMs)});
      results.memory.push({...target, result});
    });
  }
  if (sections.has("generation")) {
    for (const n of plan.generation.lengths) {
      await attempt(`generation ${n}`, async () => {
        const o = {n, maxMs: left(plan.generation.maxMs) / 2};
        const result = await run((b, {n, maxMs}) => b.generation(n, {maxMs}), o);
        results.generation.push({...target, result});
      });
    }
  }
}

/** A snapshot of dist/ (others may rebuild it while the bench runs), served like `npm start` serves it. */
async function snapshotSite(): Promise<Site> {
  if (args.build || !existsSync("dist/index.html")) {
    log("npm run build");
    const built = spawnSync("npm", ["run", "build"], {stdio: "inherit"});
    if (built.status !== 0) throw new Error("npm run build failed");
  }
  const dir = mkdtempSync(join(tmpdir(), "tinygpt-bench-site-"));
  cpSync("dist", dir, {recursive: true});
  return serveDir(dir, {temporary: true});
}

async function siteSections(browser: Browser): Promise<void> {
  const {sections, plan} = args;
  if (!sections.has("interactivity") && !sections.has("pageload")) return;
  const site = await snapshotSite();
  try {
    if (sections.has("interactivity")) {
      for (const backend of args.editBackends) {
        for (const chapter of ["03-attention", "04-block"]) {
          log(`interactivity ${chapter} ${backend || "(site's choice)"}`);
          if (!existsSync(`dist/${chapter}.html`)) {
            results.interactivity.push({chapter, pending: "not in dist/ (chapter not built yet)"});
            continue;
          }
          try {
            results.interactivity.push(await editLatency(browser, site, chapter, {...plan.edits, backend}));
          } catch (error) {
            results.interactivity.push({chapter, pending: (error as Error).message.split("\n")[0]});
          }
        }
      }
    }
    if (sections.has("pageload")) {
      for (const path of PAGES) {
        log(`page load /${path}`);
        try {
          results.pageload.push(await pageLoad(browser, site, path));
        } catch (error) {
          results.failures.push({where: `page load /${path}`, error: (error as Error).message});
        }
      }
    }
  } finally {
    await site.close();
  }
}

/** Issue #9's soak in one Chromium page on --soak-backend; its console errors and WebGPU warnings are counted. */
async function soakSection(browser: Browser): Promise<void> {
  const target: Target = {runtime: "chromium", backend: args.soakBackend};
  log(`soak on ${label(target)}: ${args.soakSteps} training steps, then ${args.soakTokens} tokens`);
  const server = await serveBench();
  let page: (BenchPage & {adapter: string | null; threads: number | null}) | null = null;
  try {
    page = await server.open(browser, args.soakBackend);
    page.page.on("console", (message) => {
      if (message.type() === "debug" && message.text().startsWith("[soak]")) log(message.text());
    });
    const result = await page.run((b, o) => b.soak(o), {
      steps: args.soakSteps,
      tokens: args.soakTokens,
      progress: true
    });
    results.soak = {
      ...target,
      adapter: page.adapter,
      wasmThreads: page.threads,
      result,
      consoleErrors: [...page.log.errors]
    };
    if (page.log.errors.length)
      results.failures.push({where: `soak ${label(target)}`, error: page.log.errors.join("; ")});
  } catch (error) {
    results.failures.push({where: `soak ${label(target)}`, error: (error as Error).message});
  } finally {
    await page?.close();
    await server.close();
  }
}

/** BPE training and encoding on --tokenizer-corpus (tinyshakespeare: shared data, never in the repository). */
function tokenizerSection(): void {
  if (!existsSync(args.tokenizerCorpus)) {
    results.skipped.push({where: "tokenizer", reason: `no corpus at ${args.tokenizerCorpus}`});
    log(`tokenizer: skipped (no ${args.tokenizerCorpus}; --tokenizer-corpus=FILE names another)`);
    return;
  }
  log(`tokenizer: BPE on ${args.tokenizerCorpus}`);
  try {
    results.tokenizer = tokenizerBench(readFileSync(args.tokenizerCorpus, "utf-8"), args.tokenizerCorpus);
  } catch (error) {
    results.failures.push({where: "tokenizer", error: (error as Error).message});
  }
}

async function main(): Promise<void> {
  const browserTargets = args.targets.filter((t) => t.runtime === "chromium");
  const backendWork = ["ceiling", "training", "generation", "memory"].some((s) => args.sections.has(s as Section));
  const needsBrowser =
    (browserTargets.length > 0 && backendWork) ||
    args.sections.has("interactivity") ||
    args.sections.has("pageload") ||
    args.sections.has("soak");
  const browser = needsBrowser ? await launch({webgpu: true}) : null;
  const adapters: Record<string, unknown> = {};
  try {
    if (backendWork && browser) {
      const server = await serveBench();
      try {
        for (const target of browserTargets) {
          let page: (BenchPage & {adapter: string | null; threads: number | null}) | null = null;
          try {
            page = await server.open(browser, target.backend as BackendName);
            adapters[label(target)] = {adapter: page.adapter, wasmThreads: page.threads};
            await backendSections(target, page.run);
            if (page.log.errors.length)
              results.failures.push({where: label(target), error: page.log.errors.join("; ")});
          } catch (error) {
            results.failures.push({where: label(target), error: (error as Error).message});
          } finally {
            await page?.close();
          }
        }
      } finally {
        await server.close();
      }
    }
    if (backendWork) {
      for (const target of args.targets.filter((t) => t.runtime === "node")) {
        await initBackend({order: [target.backend as BackendName]});
        await backendSections(target, inNode);
      }
    }
    if (args.sections.has("tokenizer")) tokenizerSection();
    if (browser) await siteSections(browser);
    if (browser && args.sections.has("soak")) await soakSection(browser);
    results.meta = {
      date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, "Z"),
      mode: args.mode,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
      load: loadavg()
        .map((x) => x.toFixed(1))
        .join(" "),
      chromium: browser?.version() ?? "–",
      node: process.version,
      tfjs: JSON.parse(readFileSync("node_modules/@tensorflow/tfjs-core/package.json", "utf-8")).version,
      backends: adapters,
      seconds: Math.round((performance.now() - started) / 1000)
    };
  } finally {
    await browser?.close();
  }
  mkdirSync("bench/results", {recursive: true});
  // latest.json holds the last run of the other sections: a soak-only run leaves it alone, and the soak (with the
  // run's meta) goes to soak.json.
  const written: string[] = [];
  if ([...args.sections].some((s) => s !== "soak")) {
    writeFileSync("bench/results/latest.json", JSON.stringify({...results, soak: undefined}, JSON_SAFE, 2) + "\n");
    written.push("bench/results/latest.json");
  }
  if (args.sections.has("soak")) {
    const soak = {
      meta: results.meta,
      soak: results.soak,
      failures: results.failures.filter((f) => f.where.startsWith("soak"))
    };
    writeFileSync("bench/results/soak.json", JSON.stringify(soak, JSON_SAFE, 2) + "\n");
    written.push("bench/results/soak.json");
  }
  console.log(format(results));
  console.log(`\nwrote ${written.join(" and ")} in ${elapsed()}`);
}

await main();
