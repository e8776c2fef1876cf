/**
 * `window.__tinygpt`: what the browser tests (and a curious reader's console) can read about the last render.
 *   model     the reader's model the page shows (set on load and on every applied change)
 *   runs      how many forward passes the page has made
 *   lastRunMs the last pass's time, forward and read-back together
 *   memory    tf.memory() after the last pass (numTensors should stay flat from one redraw to the next)
 *   tf        TF.js itself, on chapter 8 (tests reach the backend through it: destroy WebGPU's device, say)
 * The figures carry their own numbers: every heatmap is a figure[data-name] whose `.matrix` is what it drew.
 */
export interface TestHooks {
  model?: unknown;
  runs?: number;
  lastRunMs?: number;
  memory?: unknown;
  tf?: unknown;
}

export function expose<K extends keyof TestHooks>(key: K, value: TestHooks[K]): void {
  const g = globalThis as {__tinygpt?: TestHooks};
  (g.__tinygpt ??= {})[key] = value;
}
