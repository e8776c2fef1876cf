import * as d3 from "d3";
import {finiteMax, heatmap, type HeatmapOptions} from "./heatmap.js";
import {count, viewFigure} from "./figure.js";

export interface Panel {
  title: string;
  matrix: readonly (readonly number[])[];
}

export interface MultiplesOptions extends Omit<HeatmapOptions, "label" | "name"> {
  /** Narrowest a panel may be before the grid uses fewer columns. */
  minWidth?: number;
  /** Panels per row at most. */
  columns?: number;
  name?: string;
}

/**
 * Small multiples: one heatmap per panel (e.g. one attention map per head), as many to a row as fit the width.
 * With no extent given, all panels share the largest |value|, so their colours compare.
 */
export function multiples(panels: readonly Panel[], options: MultiplesOptions = {}): HTMLElement {
  const {width = 640, minWidth = 200, columns = 4, name, ...rest} = options;
  const perRow = Math.max(1, Math.min(columns, panels.length, Math.floor(width / minWidth)));
  const panelWidth = Math.floor(width / perRow) - 12;
  const extent = options.extent ?? (d3.max(panels, (p) => finiteMax(p.matrix)) || 1);
  const shows = `${count(panels.length, "heatmap")}: ${panels.map((p) => p.title).join(", ")}`;
  const figure = viewFigure("tg-multiples", {title: "", shows}, name);
  figure.style.setProperty("--columns", String(perRow));
  for (const [k, panel] of panels.entries()) {
    const cell = document.createElement("div");
    cell.className = "tg-multiple";
    const title = document.createElement("div");
    title.className = "tg-multiple-title";
    title.textContent = panel.title;
    const map = heatmap(panel.matrix, {
      ...rest,
      width: panelWidth,
      extent,
      label: panel.title,
      name: name && `${name}.${k}`
    });
    cell.append(title, map);
    figure.append(cell);
  }
  return figure;
}
