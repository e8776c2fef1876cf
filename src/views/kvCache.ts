import * as Plot from "@observablehq/plot";
import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

export interface CacheGridOptions {
  layers: number;
  blockSize: number;
  /** Positions held in the cache after the step (0 when the cache was not used). */
  cached: number;
  /** Positions run through the model at this step: the new ones. */
  ran: number;
  /** The tokens at the cached positions, for the column labels. */
  tokens: readonly string[];
  name?: string;
}

/**
 * The cache at one step as a grid: one row of keys and one of values per layer, one column per position up to
 * blockSize. Columns computed at earlier steps are filled, the ones added at this step are highlighted, and the
 * room left is outlined.
 */
export function cacheGrid(options: CacheGridOptions): HTMLElement {
  const {layers, blockSize, cached, ran, tokens, name} = options;
  const shows = `${count(cached, "position")} of ${blockSize} held in each of ${count(layers, "layer")}, ${ran} run at this step`;
  const figure = viewFigure("tg-cache", {title: "KV cache", shows}, name);
  figure.dataset.cached = String(cached);
  const grid = document.createElement("div");
  grid.className = "tg-cache-grid";
  grid.style.setProperty("--cols", String(blockSize));
  const cell = (className: string, text = "", title = "") => {
    const div = document.createElement("div");
    div.className = className;
    div.textContent = text;
    if (title) div.title = title;
    grid.append(div);
  };
  cell("tg-cache-corner");
  for (let t = 0; t < blockSize; t++) cell("tg-cache-col", t < cached ? visible(tokens[t] ?? "") : "", `position ${t}`);
  for (let l = 0; l < layers; l++) {
    for (const kv of ["K", "V"]) {
      cell("tg-cache-row", `${kv} ${l}`);
      for (let t = 0; t < blockSize; t++) {
        const state = t >= cached ? "empty" : t >= cached - ran ? "new" : "old";
        cell(
          `tg-cache-cell tg-cache-${state}`,
          "",
          `layer ${l} ${kv === "K" ? "key" : "value"}, position ${t}: ${state}`
        );
      }
    }
  }
  const caption = document.createElement("figcaption");
  caption.textContent =
    cached > 0
      ? `${cached} of ${blockSize} positions cached in each of ${layers} layers; ${ran} computed at this step.`
      : `Nothing cached at this step: the text is longer than the context, so the whole window of ${ran} was recomputed.`;
  figure.append(grid, caption);
  return figure;
}

/** Positions run through the model for each new token, with the KV cache and without it. */
export function ranChart(
  steps: readonly {index: number; ran: number; read: number}[],
  options: {width?: number; name?: string} = {}
) {
  const data = [
    ...steps.map((s) => ({token: s.index + 1, value: s.ran, series: "with the KV cache"})),
    ...steps.map((s) => ({token: s.index + 1, value: s.read, series: "without it"}))
  ];
  const chart = Plot.plot({
    width: Math.min(options.width ?? 640, 640),
    height: 180,
    marginLeft: 40,
    x: {label: "new token", interval: 1},
    y: {label: "positions run", grid: true, zero: true},
    color: {domain: ["with the KV cache", "without it"], range: ["#2f9e44", "#c92a2a"], legend: true},
    marks: [Plot.lineY(data, {x: "token", y: "value", stroke: "series", z: "series", marker: "circle"})]
  });
  const last = steps.at(-1);
  const shows = last
    ? `for new token ${last.index + 1}, ${count(last.ran, "position")} with the cache, ${last.read} without`
    : "no tokens yet";
  const figure = viewFigure("tg-chart", {title: "positions run per new token", shows}, options.name);
  chart.setAttribute("aria-hidden", "true"); // Plot's marks carry labels of their own; the figure says what it shows
  figure.append(chart);
  return figure;
}

export interface RaceResult {
  cached: {ms: number; tokensPerSecond: number; text: string};
  uncached: {ms: number; tokensPerSecond: number; text: string};
  same: boolean;
  newTokens: number;
}

/** The timing of cached against uncached decoding, and whether they wrote the same text. */
export function raceView(race: RaceResult, options: {backend?: string; name?: string} = {}): HTMLElement {
  const box = document.createElement("div");
  box.className = "tg-race";
  if (options.name) box.dataset.name = options.name;
  box.dataset.same = String(race.same);
  box.dataset.speedup = String(race.cached.tokensPerSecond / race.uncached.tokensPerSecond);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const t of ["", "time", "tokens/s", "text"])
    head.append(Object.assign(document.createElement("th"), {textContent: t}));
  for (const [label, r] of [
    ["with the KV cache", race.cached],
    ["without", race.uncached]
  ] as const) {
    const row = table.insertRow();
    for (const text of [label, `${r.ms.toFixed(0)} ms`, r.tokensPerSecond.toFixed(1), visible(r.text)]) {
      row.insertCell().textContent = text;
    }
  }
  const verdict = document.createElement("p");
  verdict.className = race.same ? "tg-ok" : "tg-refused";
  const speedup = race.cached.tokensPerSecond / race.uncached.tokensPerSecond;
  verdict.textContent = race.same
    ? `The same ${race.newTokens} tokens, ${speedup.toFixed(1)}× as fast with the cache${options.backend ? ` on ${options.backend}` : ""}.`
    : "The texts differ: the cache changed the result. That is a bug.";
  box.append(table, verdict);
  return box;
}
