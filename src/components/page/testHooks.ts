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

/**
 * Sets the data attributes of the page's element [data-name=NAME]: a Markdown block (a check, a statistic) keeps the
 * exact numbers its prose rounds, for the tests. A number or a string is the attribute's value, true an empty
 * attribute, false or null no attribute. A name that no element has throws, so a misspelt name is a cell error.
 */
export function hook(
  name: string,
  data: Readonly<Record<string, string | number | boolean | null>>,
  root: ParentNode = document
): void {
  const element = [...root.querySelectorAll<HTMLElement>("[data-name]")].find((e) => e.dataset.name === name);
  if (!element) throw new Error(`hook: no element has data-name="${name}"`);
  for (const [key, value] of Object.entries(data)) {
    if (value === false || value === null) delete element.dataset[key];
    else element.dataset[key] = value === true ? "" : String(value);
  }
}
