// Bundled by bench/browser.ts for Chromium (the "browser" condition of @tinygpt/tf, as the site gets src/gpt): the
// workloads on window.bench, for page.evaluate.
import * as tf from "@tinygpt/tf";
import {initBackend} from "../src/gpt/backend.js";
import * as workloads from "./workloads/index.js";

const bench = {tf, initBackend, ...workloads};
(window as unknown as {bench: typeof bench}).bench = bench;
export type BrowserBench = typeof bench;
