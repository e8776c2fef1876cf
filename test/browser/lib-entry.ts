// Bundled by test/browser/library.ts for the browser tests: the library as pages use it, on window.tinygpt.
import * as tf from "@tinygpt/tf";
import * as backend from "../../src/gpt/backend.js";
import * as config from "../../src/gpt/config.js";
import * as presets from "../../src/gpt/presets.js";
import * as params from "../../src/gpt/params.js";
import * as count from "../../src/gpt/count.js";
import * as random from "../../src/gpt/random.js";
import * as model from "../../src/gpt/model.js";
import * as loss from "../../src/gpt/loss.js";
import * as optim from "../../src/gpt/optim.js";
import * as step from "../../src/gpt/step.js";
import * as session from "../../src/gpt/session.js";
import * as recipes from "../../src/gpt/recipes.js";
import * as schedule from "../../src/gpt/schedule.js";
import * as corpus from "../../src/gpt/data/corpus.js";
import * as corpora from "../../src/gpt/data/corpora.js";
import * as sample from "../../src/gpt/sample.js";
import * as lora from "../../src/gpt/lora.js";
import * as finetune from "../../src/gpt/finetune.js";
import {matMul} from "../../src/gpt/matMul.js";
import {fourTargetDraws} from "../../src/gpt/webglMatMul.js";

/** The wasm binaries, served beside lib.js. */
const WASM_PATHS = {
  "tfjs-backend-wasm.wasm": "./tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm": "./tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm": "./tfjs-backend-wasm-threaded-simd.wasm"
};
(window as unknown as {WASM_PATHS: typeof WASM_PATHS}).WASM_PATHS = WASM_PATHS;

const training = {
  ...optim,
  ...step,
  ...session,
  ...recipes,
  ...schedule,
  ...corpus,
  ...corpora,
  ...sample,
  ...lora,
  ...finetune
};
const gpt = {...config, ...presets, ...params, ...count, ...random};
const tinygpt = {tf, ...backend, ...gpt, ...model, ...loss, ...training, matMul, fourTargetDraws};
(window as unknown as {tinygpt: typeof tinygpt}).tinygpt = tinygpt;
export type TinyGPT = typeof tinygpt;
