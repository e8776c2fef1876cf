// What the browser tests, the bench and the screenshot serve on 127.0.0.1: a folder, the built site, or a bundle.
import {build, type BuildOptions} from "esbuild";
import {copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {serve} from "../serve.js";

export interface Site {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves dir on 127.0.0.1 and an ephemeral port; with temporary, close() deletes dir once the server has closed; with
 * isolate false, without the COOP/COEP headers (as a plain static host: no threads for wasm).
 */
export async function serveDir(dir: string, {temporary = false, isolate = true} = {}): Promise<Site> {
  const server: Server = await serve(dir, {port: 0, quiet: true, isolate});
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) =>
        server.close(() => {
          if (temporary) rmSync(dir, {recursive: true, force: true});
          ok();
        })
      )
  };
}

/** Serves dist/ (built by `npm run build`, which `npm test` runs first) on 127.0.0.1 and an ephemeral port. */
export async function serveSite({isolate = true} = {}): Promise<Site> {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run `npm run build` before the browser tests");
  return serveDir("dist", {isolate});
}

/** The wasm binaries of TF.js's wasm backend, served beside a bundle. */
export const WASM = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/**
 * entry bundled for the browser (the "browser" condition, as the site gets src/gpt) as `${name}.js` into a temporary
 * folder with the wasm binaries and an index.html that loads it, served on 127.0.0.1. options: more of esbuild's (the
 * bench's peer maps packages onto others and mends one of their files).
 */
export async function serveBundle(
  entry: string,
  name: string,
  headScript = "",
  options: Pick<BuildOptions, "alias" | "plugins"> = {}
): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), `tinygpt-${name}-`));
  await build({
    entryPoints: [entry],
    outfile: join(dir, `${name}.js`),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    ...options,
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
