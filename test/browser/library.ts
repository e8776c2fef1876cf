import {build} from "esbuild";
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import type {Browser, Page} from "playwright-core";
import {serve} from "../../scripts/serve.js";
import {openPage, type PageLog} from "./harness.js";

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
