// Bundled by test/browser/library.ts for the browser tests: the library as pages use it, on window.tinygpt.
import * as tf from "@tinygpt/tf";
import * as backend from "../../src/gpt/backend.js";
import * as config from "../../src/gpt/config.js";
import * as params from "../../src/gpt/params.js";
import * as model from "../../src/gpt/model.js";
import * as loss from "../../src/gpt/loss.js";

/** The wasm binaries, served beside lib.js. */
const WASM_PATHS = {
  "tfjs-backend-wasm.wasm": "./tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm": "./tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm": "./tfjs-backend-wasm-threaded-simd.wasm"
};
(window as unknown as {WASM_PATHS: typeof WASM_PATHS}).WASM_PATHS = WASM_PATHS;

const tinygpt = {tf, ...backend, ...config, ...params, ...model, ...loss};
(window as unknown as {tinygpt: typeof tinygpt}).tinygpt = tinygpt;
export type TinyGPT = typeof tinygpt;
