// Builds what the site needs from node_modules and is not committed:
// - vendor/tf/dist/tf.browser.js: tfjs-core, its gradients and its four browser backends as one ESM module;
// - vendor/tf/dist/tf.node.js: tfjs-core, its gradients, the cpu and wasm backends for Node (+ the .wasm files, and
//   the threaded module's worker and main script as files, which Node's workers load by path);
// - src/vendor/wasm/*.wasm: the wasm backend's binaries, served by the site;
// - src/vendor/katex/: KaTeX's stylesheet without its @font-face rules, its woff2 fonts, and fonts.js, which
//   attaches each font with FileAttachment so Framework copies it (src/components/page/tex.ts declares the faces);
// - src/vendor/inputs.css: Framework's themed stylesheet for @observablehq/inputs (which pages import from
//   node_modules, so Framework does not add it), with its namespace placeholder filled in;
// - src/vendor/checkpoints/: a copy of every data/checkpoints/*.safetensors, and index.js, which attaches each with
//   FileAttachment (so the built site ships them) and lists its config, vocabulary and training record.
// Framework caches its node_modules bundles by name@version, so the stale copy is removed.
import {build} from "esbuild";
import {copyFileSync, mkdirSync, readdirSync, rmSync, existsSync, readFileSync, writeFileSync} from "node:fs";
import {createHash} from "node:crypto";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";
import {dirname, join} from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "vendor/tf/dist/tf.browser.js");
const hash = () => (existsSync(out) ? createHash("sha256").update(readFileSync(out)).digest("hex") : "");
const before = hash();
const common = {bundle: true, format: "esm", target: ["es2022"], legalComments: "none", logLevel: "warning"};
const wasmOut = join(root, "node_modules/@tensorflow/tfjs-backend-wasm/wasm-out");

/**
 * tfjs-backend-wasm 4.22's threads, mended at bundling time (each text must be found exactly once, or the build stops:
 * a new version of the backend needs this looked at again):
 * - it gives XNNPACK at most half the logical cores Emscripten reports, even when setThreadsCount asks for more (it
 *   assumes two hardware threads per core): the report is doubled, so that setThreadsCount(n) gets n threads;
 * - Emscripten starts 8 workers whatever the thread count: the pool is the thread count asked for (8 if none);
 * - in Node (node: true) the backend turns threads off, since it hands Emscripten a Blob URL for the worker and the
 *   main script, which Node's workers cannot load: they are files beside the bundle instead, and a running pthread no
 *   longer keeps Node alive at exit (entry.node.js turns threads on).
 */
function wasmThreadEdits(node) {
  return {
    "wasm-out/tfjs-backend-wasm-threaded-simd.js": [
      [
        'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return navigator["hardwareConcurrency"]}',
        'function _emscripten_num_logical_cores(){return 2*(ENVIRONMENT_IS_NODE?require("os").cpus().length:navigator["hardwareConcurrency"])}'
      ],
      ["var pthreadPoolSize=8;", 'var pthreadPoolSize=Module["tinygptPoolSize"]||8;'],
      ...(node ? [["worker.ref()", "void worker"]] : [])
    ],
    "dist/backend_wasm.js": [
      [
        "wasm = wasmFactoryThreadedSimd(factoryConfig);",
        "factoryConfig.tinygptPoolSize = threadsCount > 0 ? threadsCount : 8;\n            wasm = wasmFactoryThreadedSimd(factoryConfig);"
      ],
      ...(node
        ? [
            [
              "const response = wasmWorkerContents",
              'return __dirname + "/tfjs-backend-wasm-threaded-simd.worker.cjs";\n                const response = wasmWorkerContents'
            ],
            [
              "factoryConfig.mainScriptUrlOrBlob = new Blob(",
              'factoryConfig.mainScriptUrlOrBlob = __dirname + "/tfjs-backend-wasm-threaded-simd.main.js";\n            void new Blob('
            ]
          ]
        : [])
    ]
  };
}

function wasmThreads({node}) {
  const edits = wasmThreadEdits(node);
  return {
    name: "wasm-threads",
    setup(b) {
      b.onLoad({filter: /tfjs-backend-wasm[\\/](wasm-out|dist)[\\/][\w.-]+\.js$/}, ({path}) => {
        const key = Object.keys(edits).find((k) => path.replace(/\\/g, "/").endsWith(k));
        if (!key) return undefined;
        return {contents: patched(readFileSync(path, "utf-8"), edits[key], key), loader: "js"};
      });
    }
  };
}

function patched(text, edits, where) {
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2)
      throw new Error(`tfjs-backend-wasm changed (${where}): update scripts/vendor.mjs`);
    text = text.replace(from, () => to);
  }
  return text;
}

await build({
  ...common,
  entryPoints: [join(root, "vendor/tf/entry.browser.js")],
  outfile: out,
  platform: "browser",
  plugins: [wasmThreads({node: false})],
  minify: true,
  define: {"process.env.NODE_ENV": '"production"'}
});

// The wasm backend's Emscripten loader uses require, __dirname (to find its .wasm files, copied beside the bundle).
await build({
  ...common,
  entryPoints: [join(root, "vendor/tf/entry.node.js")],
  outfile: join(root, "vendor/tf/dist/tf.node.js"),
  platform: "node",
  plugins: [wasmThreads({node: true})],
  mainFields: ["module", "main"],
  banner: {
    js: [
      'import {createRequire as __tgRequire} from "node:module";',
      'import {fileURLToPath as __tgPath} from "node:url";',
      "const require = __tgRequire(import.meta.url);",
      "const __filename = __tgPath(import.meta.url);",
      'const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));'
    ].join("\n")
  }
});

const wasmDir = join(root, "src/vendor/wasm");
mkdirSync(wasmDir, {recursive: true});
for (const name of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
  copyFileSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", name), join(wasmDir, name));
  copyFileSync(join(root, "node_modules/@tensorflow/tfjs-backend-wasm/dist", name), join(root, "vendor/tf/dist", name));
}
// Node's wasm workers (see wasmThreads): the worker script, escaped as the backend escapes it for its Blob, and the
// threaded module's main script, mended as the bundle's copy is.
const {wasmWorkerContents} = createRequire(import.meta.url)(join(wasmOut, "tfjs-backend-wasm-threaded-simd.worker.js"));
writeFileSync(
  join(root, "vendor/tf/dist/tfjs-backend-wasm-threaded-simd.worker.cjs"),
  wasmWorkerContents.replace(/\n/g, "\\n")
);
const mainScript = readFileSync(join(wasmOut, "tfjs-backend-wasm-threaded-simd.js"), "utf-8");
writeFileSync(
  join(root, "vendor/tf/dist/tfjs-backend-wasm-threaded-simd.main.js"),
  patched(mainScript, wasmThreadEdits(true)["wasm-out/tfjs-backend-wasm-threaded-simd.js"], "its main script")
);
const inputsCss = readFileSync(
  join(root, "node_modules/@observablehq/framework/dist/client/stdlib/inputs.css"),
  "utf-8"
);
writeFileSync(join(root, "src/vendor/inputs.css"), inputsCss.replace(/\b__ns__\b/g, "inputs-3a86ea"));

const katexDist = join(root, "node_modules/katex/dist");
const katexDir = join(root, "src/vendor/katex");
mkdirSync(join(katexDir, "fonts"), {recursive: true});
const katexCss = readFileSync(join(katexDist, "katex.min.css"), "utf-8");
const faces = [];
const stripped = katexCss.replace(/@font-face\{([^}]*)\}/g, (_, body) => {
  const family = /font-family:([^;]+)/.exec(body)[1].replace(/"/g, "");
  const style = /font-style:([^;]+)/.exec(body)[1];
  const weight = /font-weight:([^;]+)/.exec(body)[1];
  const file = /url\(fonts\/([^)]+\.woff2)\)/.exec(body)[1];
  copyFileSync(join(katexDist, "fonts", file), join(katexDir, "fonts", file));
  faces.push(
    `  {family: "${family}", style: "${style}", weight: "${weight}", href: FileAttachment("./fonts/${file}").href}`
  );
  return "";
});
if (faces.length < 20 || /url\(/.test(stripped)) throw new Error("unexpected katex.min.css: update scripts/vendor.mjs");
writeFileSync(join(katexDir, "katex.css"), stripped);
writeFileSync(
  join(katexDir, "fonts.js"),
  `// Generated by scripts/vendor.mjs.\nimport {FileAttachment} from "observablehq:stdlib";\nexport const FONT_FACES = [\n${faces.join(",\n")}\n];\n`
);
writeFileSync(
  join(katexDir, "fonts.d.ts"),
  "export declare const FONT_FACES: {family: string; style: string; weight: string; href: string}[];\n"
);

// The pretrained checkpoints chapter 9 starts from: whatever data/checkpoints holds, copied fresh at every build.
const shippedDir = join(root, "src/vendor/checkpoints");
rmSync(shippedDir, {recursive: true, force: true});
mkdirSync(shippedDir, {recursive: true});
const shipped = [];
const checkpointDir = join(root, "data/checkpoints");
const names = existsSync(checkpointDir)
  ? readdirSync(checkpointDir).filter((n) => /^[\w.-]+\.safetensors$/.test(n))
  : [];
for (const file of names.sort()) {
  const bytes = readFileSync(join(checkpointDir, file));
  const length = Number(bytes.readBigUInt64LE(0));
  const meta = JSON.parse(bytes.subarray(8, 8 + length).toString("utf-8")).__metadata__ ?? {};
  const json = (key) => (meta[key] === undefined ? null : JSON.parse(meta[key]));
  const info = {name: file.replace(/\.safetensors$/, ""), file, bytes: bytes.length, config: json("config")};
  Object.assign(info, {tokenizer: json("tokenizer"), training: json("training")});
  copyFileSync(join(checkpointDir, file), join(shippedDir, file));
  shipped.push(`  {...${JSON.stringify(info)}, href: FileAttachment(${JSON.stringify(`./${file}`)}).href}`);
}
writeFileSync(
  join(shippedDir, "index.js"),
  `// Generated by scripts/vendor.mjs from data/checkpoints.\nimport {FileAttachment} from "observablehq:stdlib";\nexport const SHIPPED = [\n${shipped.join(",\n")}\n];\n`
);
writeFileSync(
  join(shippedDir, "index.d.ts"),
  "export declare const SHIPPED: {name: string; file: string; bytes: number; href: string; config: Record<string, unknown> | null; tokenizer: import('../../gpt/tokenizer.js').TokenizerJSON | null; training: import('../../gpt/checkpointInfo.js').TrainingRecord | null}[];\n"
);

if (hash() !== before) rmSync(join(root, "src/.observablehq/cache/_node/@tinygpt"), {recursive: true, force: true});
