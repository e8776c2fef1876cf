// The workloads in headless Chromium: bench/browser-entry.ts bundled with esbuild (the "browser" condition, as the
// site gets src/gpt), served on 127.0.0.1 with the wasm binaries and COOP/COEP, one fresh page per backend.
import type {Browser, Page} from "playwright-core";
import {openPage, type PageLog} from "../scripts/browser/page.js";
import {serveBundle, WASM} from "../scripts/browser/serve.js";
import type {BackendName} from "../src/gpt/backend.js";
import type {BrowserBench} from "./browser-entry.js";
import {NAME_SHIM} from "./site.js";

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

/**
 * entry: the module to bundle (another copy of the workloads, to compare two versions of src/gpt; the peer's page),
 * options: esbuild's for that bundle (the peer's, PEER_BUILD).
 */
export async function serveBench(
  entry = "bench/browser-entry.ts",
  options: Parameters<typeof serveBundle>[3] = {}
): Promise<BenchServer> {
  const {url, close} = await serveBundle(entry, "bench", NAME_SHIM, options);
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
    close
  };
}
