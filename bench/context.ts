// The bench's context: what was asked for (sections, targets, plan), the results so far, and the clock and log
// every section shares. One object, made once by run.ts and handed to each section.
import type {BackendName} from "../src/gpt/backend.js";
import type {Results, Target} from "./report.js";

export const SECTIONS = [
  "ceiling",
  "training",
  "interactivity",
  "generation",
  "memory",
  "pageload",
  "soak",
  "tokenizer",
  "chapter9",
  "peer"
] as const;
export type Section = (typeof SECTIONS)[number];
/** The soak takes minutes on its own: a default run (about 9 minutes) leaves it out. */
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s !== "soak");

/**
 * Each target gets a time budget (seconds, default mode; --quick scales it by 0.3, --full lifts it). Its sections
 * run in the order ceiling, baby, addition, memory, generation 64, 256, each capped by what is left of the budget; a
 * section that finds it spent is reported as skipped. One step is never cut, so a slow target overruns by a step.
 */
export const TARGETS: (Target & {budget: number})[] = [
  {runtime: "chromium", backend: "wasm", budget: 55},
  {runtime: "node", backend: "wasm", budget: 55},
  {runtime: "chromium", backend: "webgl", budget: 60},
  {runtime: "chromium", backend: "cpu", budget: 55},
  {runtime: "node", backend: "cpu", budget: 55},
  {runtime: "chromium", backend: "webgpu", budget: 110} // last: on a software adapter one step can take minutes
];

/** Seconds for all the targets' sections together (the site's sections and the peer take about four more minutes). */
export const BACKENDS_TOTAL_S = 360;

/** How much each section does. The default keeps the whole run under 10 minutes on 2 cores by capping rows in time. */
export interface Plan {
  ceiling: {repeats: number; maxMs: number};
  training: {warmup: number; steps: number; minSteps: number; maxMs: number};
  generation: {lengths: number[]; maxMs: number};
  memory: {steps: number; tokens: number; maxMs: number};
  edits: {edits: number; warmup: number};
  chapter9: {edits: number; warmup: number};
  budgetScale: number; // × each target's budget
}

const PLANS: Record<"default" | "quick" | "full", Plan> = {
  default: {
    ceiling: {repeats: 5, maxMs: 6000},
    training: {warmup: 2, steps: 10, minSteps: 2, maxMs: 20_000},
    generation: {lengths: [64, 256], maxMs: 8000},
    memory: {steps: 200, tokens: 200, maxMs: 40_000},
    edits: {edits: 30, warmup: 3},
    chapter9: {edits: 8, warmup: 2},
    budgetScale: 1
  },
  quick: {
    ceiling: {repeats: 3, maxMs: 2000},
    training: {warmup: 1, steps: 3, minSteps: 1, maxMs: 5000},
    generation: {lengths: [64], maxMs: 3000},
    memory: {steps: 30, tokens: 30, maxMs: 8000},
    edits: {edits: 10, warmup: 1},
    chapter9: {edits: 3, warmup: 1},
    budgetScale: 0.3
  },
  full: {
    ceiling: {repeats: 5, maxMs: Infinity},
    training: {warmup: 2, steps: 10, minSteps: 10, maxMs: Infinity},
    generation: {lengths: [64, 256], maxMs: Infinity},
    memory: {steps: 200, tokens: 200, maxMs: Infinity},
    edits: {edits: 30, warmup: 3},
    chapter9: {edits: 20, warmup: 2},
    budgetScale: Infinity
  }
};

export function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = [...(value("only")?.split(",") ?? DEFAULT_SECTIONS), ...(flag("soak") ? ["soak"] : [])];
  for (const s of only)
    if (!(SECTIONS as readonly string[]).includes(s))
      throw new Error(`unknown section ${s}; one of ${SECTIONS.join(", ")}`);
  const targets = value("targets")?.split(",");
  const chosen = targets ? TARGETS.filter((t) => targets.includes(`${t.runtime}-${t.backend}`)) : TARGETS;
  const mode = flag("full") ? "full" : flag("quick") ? "quick" : "default";
  // "": the backend the site picks itself; wasm too by default (issue 17's goal holds on both)
  const editBackends = value("edit-backends")?.split(",") ?? ["", "wasm"];
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

export type BenchArgs = ReturnType<typeof parseArgs>;

export interface BenchContext {
  args: BenchArgs;
  results: Results;
  started: number; // performance.now() when the bench started
  elapsed(): string; // "42 s"
  log(line: string): void; // progress on stderr
}

/** A context for the command line argv, with empty results. */
export function createContext(argv: string[]): BenchContext {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const results: Results = {
    ...{meta: {}, ceiling: [], training: [], interactivity: [], generation: [], memory: [], pageload: []},
    ...{soak: null, tokenizer: null, chapter9: [], peer: [], failures: [], skipped: []}
  };
  return {
    args: parseArgs(argv),
    results,
    started,
    elapsed,
    log: (line) => console.error(`[bench ${elapsed()}] ${line}`)
  };
}
