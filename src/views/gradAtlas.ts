import {bars} from "./bars.js";
import {heatmap} from "./heatmap.js";
import {count, viewFigure} from "./figure.js";

export interface AtlasEntry {
  name: string;
  shape: readonly number[];
  values: ArrayLike<number>; // flat, row-major
}

export interface AtlasOptions {
  width?: number;
  /** Largest heatmap drawn per tile, in rows and columns; larger matrices are pooled to fit. */
  maxRows?: number;
  maxCols?: number;
  /** The entry to outline (e.g. the tensor inspected below). */
  selected?: string;
  label?: string;
  name?: string;
}

/** A flat row-major array as rows: a vector is one row. */
export function rowsOf(values: ArrayLike<number>, shape: readonly number[]): number[][] {
  const cols = shape.length > 1 ? shape[shape.length - 1] : values.length;
  const rows = cols === 0 ? 0 : values.length / cols;
  return Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => values[i * cols + j]));
}

/**
 * A matrix shrunk to at most maxRows × maxCols by blocks, each block kept as its entry of largest magnitude (with
 * its sign), so that a few large gradients stay visible instead of averaging away.
 */
export function pool(m: readonly (readonly number[])[], maxRows: number, maxCols: number): number[][] {
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  const [fr, fc] = [Math.ceil(rows / maxRows), Math.ceil(cols / maxCols)];
  if (fr <= 1 && fc <= 1) return m.map((r) => [...r]);
  return Array.from({length: Math.ceil(rows / fr)}, (_, bi) =>
    Array.from({length: Math.ceil(cols / fc)}, (_, bj) => {
      let best = 0;
      for (let i = bi * fr; i < Math.min(rows, (bi + 1) * fr); i++) {
        for (let j = bj * fc; j < Math.min(cols, (bj + 1) * fc); j++)
          if (Math.abs(m[i][j]) > Math.abs(best)) best = m[i][j];
      }
      return best;
    })
  );
}

/** The Euclidean norm of a flat array. */
export const norm = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
};

/**
 * Every tensor of a model at a glance (its gradients, say): one small tile per tensor, titled with its name, shape
 * and norm; a heatmap for a matrix (pooled when large), bars for a vector. Each tile has its own colour scale.
 */
export function gradAtlas(entries: readonly AtlasEntry[], options: AtlasOptions = {}): HTMLElement {
  const {width = 640, maxRows = 64, maxCols = 64, selected, label = "grad", name} = options;
  const columns = Math.max(1, Math.min(4, Math.floor(width / 220)));
  const tileWidth = Math.floor(width / columns) - 12;
  const shows = `${count(entries.length, "tensor")}: ${entries.map((e) => e.name).join(", ")}`;
  const figure = viewFigure("tg-atlas", {title: "gradients", shows}, name);
  figure.style.setProperty("--columns", String(columns));
  for (const entry of entries) {
    const tile = document.createElement("div");
    tile.className = "tg-atlas-tile";
    tile.dataset.name = entry.name;
    const size = norm(entry.values);
    tile.dataset.norm = String(size);
    if (entry.name === selected) tile.classList.add("tg-selected");
    const title = document.createElement("div");
    title.className = "tg-atlas-title";
    title.textContent = entry.name.replace(/^transformer\./, "");
    title.title = entry.name;
    const facts = document.createElement("div");
    facts.className = "tg-atlas-facts";
    facts.textContent = `${entry.shape.join(" × ")} · ‖${label}‖ = ${size.toPrecision(3)}`;
    const rows = rowsOf(entry.values, entry.shape);
    const view =
      entry.shape.length > 1
        ? heatmap(pool(rows, maxRows, maxCols), {width: tileWidth, maxCell: 8, maxHeight: 160, label})
        : bars(rows[0] ?? [], {width: tileWidth, height: 70, label});
    const pooled = entry.shape.length > 1 && (entry.shape[0] > maxRows || entry.shape[1] > maxCols);
    if (pooled) facts.textContent += " · pooled";
    tile.append(title, facts, view);
    figure.append(tile);
  }
  return figure;
}
