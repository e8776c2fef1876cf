// npm run bench [-- --quick] [--full] [--only=ceiling,training,…] [--targets=chromium-webgl,node-wasm]
//                [--edit-backends=webgpu,wasm] [--profile] [--build] [--soak] [--soak-backend=wasm]
//                [--soak-steps=1000] [--soak-tokens=1000] [--tokenizer-corpus=../shared/data/tinyshakespeare.txt]
// Measures, on every backend, the matmul ceiling, training throughput, generation and memory; then the built site's
// interactivity and page load. Prints a table and writes bench/results/latest.json. See bench/README.md.
// The soak (issue #9: 1,000 training steps and 1,000 tokens in one page) runs only when asked for (--soak or
// --only=soak) and writes bench/results/soak.json. The tokenizer section (BPE training and encoding) runs in Node.
import {mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {cpus, loadavg, totalmem} from "node:os";
import {initBackend, type BackendName} from "../src/gpt/backend.js";
import {launch} from "../scripts/browser/chromium.js";
import {serveBench, type BenchPage} from "./browser.js";
import {createContext, type BenchContext, type Section} from "./context.js";
import {format, label} from "./report.js";
import {backendSections, inNode} from "./sections/backends.js";
import {siteSections} from "./sections/site.js";
import {peerSection} from "./sections/peer.js";
import {soakSection} from "./sections/soak.js";
import {tokenizerSection} from "./sections/tokenizer.js";
import {chapter9Section} from "./sections/chapter9.js";

const JSON_SAFE = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v);

async function main(ctx: BenchContext): Promise<void> {
  const browserTargets = ctx.args.targets.filter((t) => t.runtime === "chromium");
  const backendWork = ["ceiling", "training", "generation", "memory"].some((s) => ctx.args.sections.has(s as Section));
  const needsBrowser =
    (browserTargets.length > 0 && backendWork) ||
    ctx.args.sections.has("interactivity") ||
    ctx.args.sections.has("pageload") ||
    ctx.args.sections.has("soak") ||
    ctx.args.sections.has("chapter9") ||
    (browserTargets.length > 0 && ctx.args.sections.has("peer"));
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
            await backendSections(ctx, target, page.run, page.threads);
            if (page.log.errors.length)
              ctx.results.failures.push({where: label(target), error: page.log.errors.join("; ")});
          } catch (error) {
            ctx.results.failures.push({where: label(target), error: (error as Error).message});
          } finally {
            await page?.close();
          }
        }
      } finally {
        await server.close();
      }
    }
    if (backendWork) {
      for (const target of ctx.args.targets.filter((t) => t.runtime === "node")) {
        const status = await initBackend({order: [target.backend as BackendName]});
        await backendSections(ctx, target, inNode, status.threads);
      }
    }
    if (ctx.args.sections.has("tokenizer")) tokenizerSection(ctx);
    if (ctx.args.sections.has("peer")) await peerSection(ctx, browser);
    if (browser) await siteSections(ctx, browser);
    if (browser && ctx.args.sections.has("chapter9")) await chapter9Section(ctx, browser);
    if (browser && ctx.args.sections.has("soak")) await soakSection(ctx, browser);
    ctx.results.meta = {
      date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, "Z"),
      mode: ctx.args.mode,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
      load: loadavg()
        .map((x) => x.toFixed(1))
        .join(" "),
      chromium: browser?.version() ?? "–",
      node: process.version,
      tfjs: JSON.parse(readFileSync("node_modules/@tensorflow/tfjs-core/package.json", "utf-8")).version,
      backends: adapters,
      seconds: Math.round((performance.now() - ctx.started) / 1000)
    };
  } finally {
    await browser?.close();
  }
  mkdirSync("bench/results", {recursive: true});
  // latest.json holds the last run of the other sections: a soak-only run leaves it alone, and the soak (with the
  // run's meta) goes to soak.json.
  const written: string[] = [];
  if ([...ctx.args.sections].some((s) => s !== "soak")) {
    writeFileSync("bench/results/latest.json", JSON.stringify({...ctx.results, soak: undefined}, JSON_SAFE, 2) + "\n");
    written.push("bench/results/latest.json");
  }
  if (ctx.args.sections.has("soak")) {
    const soak = {
      meta: ctx.results.meta,
      soak: ctx.results.soak,
      failures: ctx.results.failures.filter((f) => f.where.startsWith("soak"))
    };
    writeFileSync("bench/results/soak.json", JSON.stringify(soak, JSON_SAFE, 2) + "\n");
    written.push("bench/results/soak.json");
  }
  console.log(format(ctx.results));
  console.log(`\nwrote ${written.join(" and ")} in ${ctx.elapsed()}`);
}

await main(createContext(process.argv.slice(2)));
