// Builds what the site needs from node_modules and is not committed:
// - vendor/tf/dist/tf.browser.js: tfjs-core and its four browser backends as one ESM module;
// - src/vendor/wasm/*.wasm: the wasm backend's binaries, served by the site.
// Framework caches its node_modules bundles by name@version, so the stale copy is removed.
import {build} from "esbuild";
import {copyFileSync, mkdirSync, rmSync, existsSync, readFileSync} from "node:fs";
import {createHash} from "node:crypto";
import {fileURLToPath} from "node:url";
import {dirname, join} from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "vendor/tf/dist/tf.browser.js");
const hash = () => (existsSync(out) ? createHash("sha256").update(readFileSync(out)).digest("hex") : "");
const before = hash();

await build({
  entryPoints: [join(root, "vendor/tf/entry.browser.js")],
  outfile: out,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  define: {"process.env.NODE_ENV": '"production"'}
});

const wasmDir = join(root, "src/vendor/wasm");
mkdirSync(wasmDir, {recursive: true});
for (const name of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
  copyFileSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", name), join(wasmDir, name));
}
if (hash() !== before) rmSync(join(root, "src/.observablehq/cache/_node/@tinygpt"), {recursive: true, force: true});
