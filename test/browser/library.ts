import {build} from "esbuild";
import {copyFileSync, mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {after, before} from "node:test";
import type {Browser, Page} from "playwright-core";
import {launch, openPage, serveDir, type PageLog} from "./harness.js";

/**
 * src/gpt bundled for the browser exactly as the site gets it (the "browser" condition of @tinygpt/tf), served from a
 * temporary folder on 127.0.0.1 with the wasm binaries; a page exposes it as window.tinygpt for page.evaluate.
 */
export interface Library {
  url: string;
  open(browser: Browser): Promise<{page: Page; log: PageLog}>;
  close(): Promise<void>;
}

/** The wasm binaries of TF.js's wasm backend, served beside a bundle. */
export const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/** A module bundled for the browser (the "browser" condition, as the site gets src/gpt) and served on 127.0.0.1. */
export interface Bundle {
  url: string;
  close(): Promise<void>;
}

/** entry bundled as `${name}.js` into a temporary folder with the wasm binaries and an index.html that loads it. */
export async function serveBundle(entry: string, name: string, headScript = ""): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), `tinygpt-${name}-`));
  await build({
    entryPoints: [entry],
    outfile: join(dir, `${name}.js`),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    logLevel: "warning"
  });
  for (const file of WASM) copyFileSync(join("node_modules/@tensorflow/tfjs-backend-wasm/dist", file), join(dir, file));
  const head = headScript ? `<script>${headScript}</script>` : "";
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>tinygpt ${name}</title>${head}<script type="module" src="./${name}.js"></script>`
  );
  return serveDir(dir, {temporary: true});
}

export async function serveLibrary(): Promise<Library> {
  const {url, close} = await serveBundle("test/browser/lib-entry.ts", "lib");
  return {
    url,
    async open(browser) {
      const opened = await openPage(browser, url, url);
      await opened.page.waitForFunction(() => "tinygpt" in window);
      return opened;
    },
    close
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
