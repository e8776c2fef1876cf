// The workloads in headless Chromium: bench/browser-entry.ts bundled with esbuild (the "browser" condition, as the
// site gets src/gpt), served on 127.0.0.1 with the wasm binaries and COOP/COEP, one fresh page per backend.
import {build} from "esbuild";
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {serve} from "../scripts/serve.js";
import {openPage, type PageLog} from "../test/browser/harness.js";
import type {BackendName} from "../src/gpt/backend.js";
import type {BrowserBench} from "./browser-entry.js";
import {NAME_SHIM} from "./site.js";

const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

export interface BenchPage {
  page: Page;
  log: PageLog;
  /** Runs fn(window.bench, arg) in the page. */
  run<A, R>(fn: (bench: BrowserBench, arg: A) => Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

export interface BenchServer {
  url: string;
  /** A fresh page (its own context) with TF.js started on backend; throws if the page fell back to another. */
  open(browser: Browser, backend: BackendName): Promise<BenchPage & {adapter: string | null; threads: number | null}>;
  close(): Promise<void>;
}

/** entry: the module to bundle (another copy of the workloads, to compare two versions of src/gpt). */
export async function serveBench(entry = "bench/browser-entry.ts"): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), "tinygpt-bench-"));
  await build({
    entryPoints: [entry],
    outfile: join(dir, "bench.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    logLevel: "warning"
  });
  for (const name of WASM) copyFileSync(join("node_modules/@tensorflow/tfjs-backend-wasm/dist", name), join(dir, name));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>tinygpt bench</title><script>${NAME_SHIM}</script><script type="module" src="./bench.js"></script>`
  );
  const server: Server = await serve(dir, {port: 0, quiet: true});
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    async open(browser, backend) {
      const {page, log} = await openPage(browser, url, url);
      await page.waitForFunction(() => "bench" in window);
      const run = <A, R>(fn: (bench: BrowserBench, arg: A) => Promise<R>, arg: A): Promise<R> =>
        page.evaluate(
          // fn travels as source: it may use only its arguments.
          ([source, a]) => {
            const f = new Function(`return (${source})`)() as (b: BrowserBench, x: unknown) => Promise<unknown>;
            return f((window as unknown as {bench: BrowserBench}).bench, a);
          },
          [fn.toString(), arg] as [string, unknown]
        ) as Promise<R>;
      const wasmPaths = Object.fromEntries(WASM.map((name) => [name, `${url}${name}`]));
      const status = await run(
        async (b, {backend, wasmPaths}) => {
          const s = await b.initBackend({order: [backend], wasmPaths});
          const threads = s.active === "wasm" ? b.tf.getThreadsCount() : null;
          return {active: s.active, adapter: s.adapter, threads};
        },
        {backend, wasmPaths}
      );
      if (status.active !== backend) throw new Error(`${backend} did not start (got ${status.active})`);
      return {page, log, run, adapter: status.adapter, threads: status.threads, close: () => page.context().close()};
    },
    close: () =>
      new Promise((ok) =>
        server.close(() => {
          rmSync(dir, {recursive: true, force: true});
          ok();
        })
      )
  };
}
