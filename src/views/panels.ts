import {heatmap, type HeatmapOptions} from "./heatmap.js";
import {count, viewFigure} from "./figure.js";

export interface PanelItem {
  title: string;
  matrix: readonly (readonly number[])[];
  /** data-name of the panel's heatmap. */
  name?: string;
  /** Its colour scale's extent (default: its own largest |value|); give two panels the same to compare them. */
  extent?: number;
  /** Its colour scale (default: the panels' option, else diverging); sequential for a never-negative quantity. */
  scale?: HeatmapOptions["scale"];
}

export interface PanelsOptions extends Omit<HeatmapOptions, "label" | "name" | "extent" | "width"> {
  width?: number;
  /** Panels per row at most; fewer when the width is narrow. */
  columns?: number;
  name?: string;
}

/**
 * Heatmaps of different quantities side by side, each titled and on its own colour scale (unlike multiples, whose
 * panels share one scale because they show the same kind of number).
 */
export function panels(items: readonly PanelItem[], options: PanelsOptions = {}): HTMLElement {
  const {width = 640, columns = 3, name, ...rest} = options;
  const perRow = Math.max(1, Math.min(columns, items.length, Math.floor(width / 220)));
  const figure = viewFigure(
    "tg-panels",
    {title: "", shows: `${count(items.length, "panel")}: ${items.map((i) => i.title).join(", ")}`},
    name
  );
  figure.style.setProperty("--columns", String(perRow));
  for (const item of items) {
    const cell = document.createElement("div");
    const title = document.createElement("div");
    title.className = "tg-panel-title";
    title.textContent = item.title;
    const map = heatmap(item.matrix, {
      ...rest,
      width: Math.floor(width / perRow) - 16,
      label: item.title,
      extent: item.extent,
      scale: item.scale ?? rest.scale,
      name: item.name
    });
    cell.append(title, map);
    figure.append(cell);
  }
  return figure;
}
