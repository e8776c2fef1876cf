import {build} from "esbuild";
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {after, before} from "node:test";
import type {Browser, Page} from "playwright-core";
import {serve} from "../../scripts/serve.js";
import {launch, openPage, type PageLog} from "./harness.js";

/**
 * src/gpt bundled for the browser exactly as the site gets it (the "browser" condition of @tinygpt/tf), served from a
 * temporary folder on 127.0.0.1 with the wasm binaries; a page exposes it as window.tinygpt for page.evaluate.
 */
export interface Library {
  url: string;
  open(browser: Browser): Promise<{page: Page; log: PageLog}>;
  close(): Promise<void>;
}

const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

export async function serveLibrary(): Promise<Library> {
  const dir = mkdtempSync(join(tmpdir(), "tinygpt-lib-"));
  await build({
    entryPoints: ["test/browser/lib-entry.ts"],
    outfile: join(dir, "lib.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    logLevel: "warning"
  });
  for (const name of WASM) copyFileSync(join("node_modules/@tensorflow/tfjs-backend-wasm/dist", name), join(dir, name));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>tinygpt library</title><script type="module" src="./lib.js"></script>`
  );
  const server: Server = await serve(dir, {port: 0, quiet: true});
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    async open(browser) {
      const opened = await openPage(browser, url, url);
      await opened.page.waitForFunction(() => "tinygpt" in window);
      return opened;
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

/**
 * One page of the library in Chromium (WebGPU on) for a test file: served and opened in the file's before hook,
 * closed in its after hook. Read page and errors (console errors and WebGPU warnings) once the tests run.
 */
export function libraryPage(): {readonly page: Page; readonly errors: string[]} {
  let library: Library | undefined;
  let browser: Browser | undefined;
  let opened: {page: Page; log: PageLog} | undefined;
  let starting: Promise<void> | undefined;
  before(async () => {
    starting = (async () => {
      library = await serveLibrary();
      browser = await launch({webgpu: true});
      opened = await library.open(browser);
    })();
    await starting;
  });
  after(async () => {
    await starting?.catch(() => undefined); // a file that failed early may still be launching: close what it opens
    await browser?.close();
    await library?.close();
  });
  const ready = () => {
    if (!opened) throw new Error("libraryPage: the page opens only once its before hook has run");
    return opened;
  };
  return {
    get page() {
      return ready().page;
    },
    get errors() {
      return ready().log.errors;
    }
  };
}
