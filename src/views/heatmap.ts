import * as d3 from "d3";
import {inkColor, layer, paintLayer, paintWhenSeen, type Context2D} from "./canvas.js";
import {keep} from "./keep.js";
import {legend, type Legend} from "./legend.js";
import {figureName, spokenRange, viewFigure} from "./figure.js";

/** A labelled run of columns [start, end), e.g. the q, k and v thirds of c_attn or one head's slice. */
export interface Group {
  label: string;
  start: number;
  end: number;
}

export interface HeatmapOptions {
  width?: number;
  /** Cell size cap in pixels; cells shrink to fit the width and maxHeight, down to 3 px, then the figure scrolls. */
  maxCell?: number;
  /** Height the matrix should fit in (default 480). */
  maxHeight?: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** The colour domain's end: [-extent, extent] (diverging) or [0, extent] (sequential); the largest finite |value|. */
  extent?: number;
  /**
   * "diverging" (the default) for signed values: blue below 0, white at 0, red above. "sequential" for values that are
   * never negative (attention weights, probabilities, losses, counts): white at 0 to dark purple at the extent.
   */
  scale?: "diverging" | "sequential";
  /**
   * Where a sequential scale starts (default 0): the smallest value, for a quantity whose spread matters more than its
   * distance from 0 (losses all near ln V). Values below it take its colour.
   */
  lower?: number;
  /** What a non-finite cell stands for, in the legend and the read-out (default: masked, −∞ from the causal mask). */
  missing?: string;
  label?: string;
  /** data-name of the figure, so a test or a script can find it. */
  name?: string;
  /** Rows drawn with a marker, e.g. the embedding rows of the tokens in the text. */
  highlightRows?: readonly number[];
  /** Labelled column groups, separated by lines. */
  colGroups?: readonly Group[];
  /** Called with the hovered cell, and with null when the pointer leaves. */
  onHover?: (cell: {i: number; j: number} | null) => void;
}

export type HeatmapFigure = HTMLElement & {matrix: readonly (readonly number[])[]};

/** The largest finite |value| of a matrix (−∞ from the mask is skipped); undefined when it has none. */
export const finiteMax = (matrix: readonly (readonly number[])[]): number | undefined =>
  d3.max(matrix, (row) => d3.max(row, (v) => (Number.isFinite(v) ? Math.abs(v) : NaN)));

const MIN_CELL = 3;
const FONT = 10;
/** Rows with labels are at least this tall when the height allows, so that every label fits beside its row. */
const LABELLED_ROW = FONT + 2;

/** The smallest finite value of a matrix; undefined when it has none. */
export const finiteMin = (matrix: readonly (readonly number[])[]): number | undefined =>
  d3.min(matrix, (row) => d3.min(row, (v) => (Number.isFinite(v) ? v : NaN)));

/** The colour of a value on either scale; values outside the domain take its end's colour. */
export function colorScale(scale: "diverging" | "sequential", extent: number, lower = 0): (v: number) => string {
  if (scale === "sequential") return d3.scaleSequential(d3.interpolatePurples).domain([lower, extent]).clamp(true);
  return d3.scaleDiverging(d3.interpolateRdBu).domain([extent, 0, -extent]).clamp(true);
}

/** What a heatmap draws and how: its matrix, scale and geometry, read by the painter and by the hover read-out. */
interface Drawing {
  matrix: readonly (readonly number[])[];
  rows: number;
  cols: number;
  color: (v: number) => string;
  margin: {top: number; left: number};
  cell: number;
  cellH: number;
  w: number;
  h: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  highlightRows?: readonly number[];
  colGroups?: readonly Group[];
  label: string;
  missing?: string;
  idle: string;
  onHover?: (cell: {i: number; j: number} | null) => void;
}

/** The elements of a heatmap, built once per name and updated by each redraw. */
interface Parts {
  figure: HeatmapFigure;
  base: HTMLCanvasElement;
  stage: HTMLElement;
  overlay: HTMLElement;
  scroller: HTMLElement;
  readout: HTMLElement;
  legend: Legend | null;
  drawing: Drawing | null;
  hover: (cell: {i: number; j: number} | null) => void;
}

/**
 * A matrix as a heatmap with a diverging scale (blue negative, red positive) or a sequential one (0 to the largest
 * value), row/column labels (thinned when cells are small), a hover read-out of index and value with a crosshair, and
 * a legend. Non-finite values (−∞ from the causal mask) are drawn as hatched "masked" cells. Cells are square but for
 * wide matrices with row labels, whose rows stay tall enough for a label each. Drawn on a canvas; wide matrices scroll
 * inside the figure. A named heatmap drawn again updates its figure in place (views/keep.ts), and an off-screen one is
 * painted when it comes near the viewport.
 */
export function heatmap(matrix: readonly (readonly number[])[], options: HeatmapOptions = {}): HeatmapFigure {
  const {width = 640, maxCell = 24, maxHeight = 480, rowLabels, colLabels, label = "value"} = options;
  const {name, highlightRows = [], colGroups = [], onHover, scale = "diverging", missing} = options;
  const rows = matrix.length;
  const cols = rows ? matrix[0].length : 0;
  const extent = options.extent ?? (finiteMax(matrix) || 1);
  const lower = scale === "sequential" && options.lower !== undefined && options.lower < extent ? options.lower : 0;
  const masked = matrix.some((row) => row.some((v) => !Number.isFinite(v)));
  const color = colorScale(scale, extent, lower);
  const longest = d3.max(rowLabels ?? [], (s) => s.length) ?? 0;
  const margin = {
    top: (colLabels ? 16 : 4) + (colGroups.length ? 14 : 0),
    left: (rowLabels ? Math.min(90, 10 + 6 * longest) : 4) + (highlightRows.length ? 5 : 0)
  };
  const fit = Math.min((width - margin.left - 4) / Math.max(cols, 1), (maxHeight - margin.top) / Math.max(rows, 1));
  const cell = Math.max(MIN_CELL, Math.min(maxCell, Math.floor(fit)));
  const tallest = Math.floor((maxHeight - margin.top) / Math.max(rows, 1));
  const cellH = rowLabels ? Math.max(cell, Math.min(LABELLED_ROW, maxCell, tallest)) : cell;
  const w = margin.left + cols * cell + 2;
  const h = margin.top + rows * cellH + 2;
  const idle = `${label} · ${rows} × ${cols}${cols > 0 ? " · hover a cell, or focus the map and use the arrow keys" : ""}`;
  const drawing: Drawing = {matrix, rows, cols, color, margin, cell, cellH, w, h, label, missing, idle, onHover};
  Object.assign(drawing, {rowLabels, colLabels, highlightRows, colGroups});

  const parts = keep("heatmap", name, buildParts).parts;
  const {figure, base, stage, overlay, scroller, readout} = parts;
  parts.drawing = drawing;
  figure.matrix = matrix;
  figure.setAttribute(
    "aria-label",
    figureName({title: label, shows: `${rows} × ${cols} heatmap, ${spokenRange(matrix.flat())}`})
  );
  Object.assign(figure.dataset, {rows, cols, extent, lower, scale, cell, cellHeight: cellH, label});
  Object.assign(figure.dataset, {top: margin.top, left: margin.left});
  if (name) figure.dataset.name = name;
  base.setAttribute("aria-label", `${label}: ${rows} × ${cols} heatmap`);
  for (const el of [stage, overlay]) Object.assign(el.style, {width: `${w}px`, height: `${h}px`});
  parts.hover(null);
  if (rows > 0 && cols > 0) {
    // The keyboard reads the cells as the pointer does (buildParts): the map is a tab stop named by its size.
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "group");
    const sideways = w > width ? "; scrolls sideways" : "";
    scroller.setAttribute("aria-label", `${label}, ${rows} × ${cols}: the arrow keys read its cells${sideways}`);
  } else for (const a of ["tabindex", "role", "aria-label"]) scroller.removeAttribute(a);
  const domain: [number, number] = scale === "sequential" ? [lower, extent] : [-extent, extent];
  const swatch = masked && (missing ?? true);
  const legendWidth = Math.min(200, width - 60);
  if (parts.legend) parts.legend.update(color, domain, label, swatch, legendWidth);
  else figure.insertBefore((parts.legend = legend(color, domain, label, swatch, legendWidth)), readout);
  paintWhenSeen(figure, () => paintLayer(base, w, h, (ctx) => paint(ctx, drawing)));
  return figure;
}

/** The figure's elements, with the hover read-out and crosshair reading whatever drawing is current. */
function buildParts(): Parts {
  const figure = viewFigure("tg-heatmap", {title: "", shows: ""}) as HeatmapFigure;
  const base = layer(0, 0);
  base.setAttribute("role", "img");
  // The crosshair: a row band, a column band and the cell's outline, moved on hover (no second canvas to redraw).
  const overlay = document.createElement("div");
  overlay.className = "tg-heatmap-overlay";
  Object.assign(overlay.style, {position: "absolute", left: "0", top: "0"});
  const [rowBand, colBand, box] = ["row", "col", "cell"].map((kind) => {
    const part = document.createElement("div");
    part.className = `tg-cross-${kind}`;
    part.hidden = true;
    overlay.append(part);
    return part;
  });
  const readout = document.createElement("figcaption");
  readout.className = "tg-readout";
  let last: string | null = null;
  let current: {i: number; j: number} | null = null;
  const parts: Parts = {
    figure,
    base,
    overlay,
    readout,
    legend: null,
    drawing: null,
    hover,
    stage: null!,
    scroller: null!
  };
  function hover(at: {i: number; j: number} | null, announce = false): void {
    const d = parts.drawing!;
    const key = at ? `${at.i},${at.j}` : "";
    if (key === last) return;
    last = key;
    current = at;
    for (const part of [rowBand, colBand, box]) part.hidden = !at;
    if (at) {
      const [x, y] = [d.margin.left + at.j * d.cell, d.margin.top + at.i * d.cellH];
      place(rowBand, 0, y, d.margin.left + d.cols * d.cell, d.cellH);
      place(colBand, x, 0, d.cell, d.margin.top + d.rows * d.cellH);
      place(box, x, y, d.cell, d.cellH);
    }
    readout.textContent = at ? describe(d, at.i, at.j) : d.idle;
    if (announce) d.onHover?.(at);
  }
  parts.hover = (at) => {
    last = null;
    hover(at);
  };
  overlay.addEventListener("pointermove", (event) => {
    const d = parts.drawing!;
    const j = Math.floor((event.offsetX - d.margin.left) / d.cell);
    const i = Math.floor((event.offsetY - d.margin.top) / d.cellH);
    hover(i < 0 || j < 0 || i >= d.rows || j >= d.cols ? null : {i, j}, true);
  });
  overlay.addEventListener("pointerleave", () => hover(null, true));
  parts.stage = document.createElement("div");
  parts.stage.className = "tg-heatmap-stage";
  parts.stage.style.position = "relative";
  parts.stage.append(base, overlay);
  parts.scroller = document.createElement("div");
  parts.scroller.className = "tg-scroll";
  parts.scroller.append(parts.stage);
  // The arrow keys move the crosshair (Home and End to the row's ends, Escape away), the read-out says the cell and is
  // announced while the map has focus, and a map wider than the page scrolls to keep the cell in view.
  const scroller = parts.scroller;
  scroller.addEventListener("keydown", (event) => {
    const d = parts.drawing!;
    if (event.key === "Escape") return hover(null, true);
    const next = step(current, event.key, d.rows, d.cols);
    if (!next) return;
    event.preventDefault();
    hover(next, true);
    const x = d.margin.left + next.j * d.cell;
    if (x < scroller.scrollLeft + d.margin.left) scroller.scrollLeft = x - d.margin.left;
    else if (x + d.cell > scroller.scrollLeft + scroller.clientWidth)
      scroller.scrollLeft = x + d.cell - scroller.clientWidth;
  });
  scroller.addEventListener("focus", () => readout.setAttribute("aria-live", "polite"));
  scroller.addEventListener("blur", () => {
    readout.removeAttribute("aria-live");
    hover(null, true);
  });
  figure.append(parts.scroller, readout);
  return parts;
}

/** Paints the cells, group lines, highlighted rows and labels of a drawing on the canvas. */
function paint(ctx: Context2D, d: Drawing): void {
  const {matrix, rows, cols, color, margin, cell, cellH, rowLabels, colLabels, highlightRows = [], colGroups = []} = d;
  for (let i = 0; i < rows; ++i) {
    for (let j = 0; j < cols; ++j) {
      const [x, y, v] = [margin.left + j * cell, margin.top + i * cellH, matrix[i][j]];
      ctx.fillStyle = Number.isFinite(v) ? color(v) : "#d9d9d9";
      ctx.fillRect(x, y, cell, cellH);
      if (!Number.isFinite(v) && cell >= 6) {
        ctx.strokeStyle = "#9a9a9a";
        ctx.beginPath();
        ctx.moveTo(x + 1, y + cellH - 1);
        ctx.lineTo(x + cell - 1, y + 1);
        ctx.stroke();
      }
    }
  }
  const ink = inkColor();
  ctx.fillStyle = ctx.strokeStyle = ink;
  ctx.font = `${FONT}px sans-serif`;
  ctx.textBaseline = "middle";
  for (const g of colGroups) {
    ctx.fillRect(margin.left + g.start * cell - 0.5, margin.top, 1, rows * cellH);
    ctx.textAlign = "center";
    ctx.fillText(g.label, margin.left + ((g.start + g.end) / 2) * cell, 7, (g.end - g.start) * cell);
  }
  for (const i of highlightRows) {
    ctx.fillStyle = "#3b5bdb";
    ctx.fillRect(margin.left - 5, margin.top + i * cellH, 3, cellH);
  }
  ctx.fillStyle = ink;
  if (rowLabels) {
    ctx.textAlign = "right";
    const step = Math.ceil((FONT + 1) / cellH);
    rowLabels.forEach((text, i) => {
      if (i % step === 0)
        ctx.fillText(text, margin.left - (highlightRows.length ? 8 : 3), margin.top + (i + 0.5) * cellH);
    });
  }
  if (colLabels) {
    ctx.textAlign = "center";
    const widest = (d3.max(colLabels, (s) => s.length) ?? 1) * 6 + 3;
    const step = Math.ceil(widest / cell);
    colLabels.forEach((text, j) => {
      if (j % step === 0) ctx.fillText(text, margin.left + (j + 0.5) * cell, margin.top - 7);
    });
  }
}

function describe(d: Drawing, i: number, j: number): string {
  const r = d.rowLabels ? `${show(d.rowLabels[i])} ` : "";
  const c = d.colLabels ? ` ${show(d.colLabels[j])}` : "";
  const v = d.matrix[i][j];
  return `[${r}${i}, ${j}${c}] ${d.label} = ${Number.isFinite(v) ? v.toFixed(4) : (d.missing ?? "−∞ (masked)")}`;
}

/** Where a key moves the crosshair from a cell (from none: the first cell); null for a key that does not move it. */
export function step(
  from: {i: number; j: number} | null,
  key: string,
  rows: number,
  cols: number
): {i: number; j: number} | null {
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1]
  };
  if (!(key in moves) && key !== "Home" && key !== "End") return null;
  if (!from) return {i: 0, j: 0};
  if (key === "Home") return {i: from.i, j: 0};
  if (key === "End") return {i: from.i, j: cols - 1};
  const [di, dj] = moves[key];
  return {i: Math.min(rows - 1, Math.max(0, from.i + di)), j: Math.min(cols - 1, Math.max(0, from.j + dj))};
}

const place = (el: HTMLElement, x: number, y: number, width: number, height: number) =>
  Object.assign(el.style, {left: `${x}px`, top: `${y}px`, width: `${width}px`, height: `${height}px`});

/** A token or label as the read-out shows it: whitespace made visible. */
const show = (text: string) => text.replace(/ /g, "␣").replace(/\n/g, "↵").replace(/\t/g, "⇥");
