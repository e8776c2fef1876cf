import * as d3 from "d3";

export interface HeatmapOptions {
  width?: number;
  /** Cell size cap in pixels; cells shrink to fit the width. */
  maxCell?: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** Symmetric colour domain [-extent, extent]; defaults to the largest |value|. */
  extent?: number;
  label?: string;
}

/**
 * A matrix as a heatmap with a diverging scale (blue negative, red positive), row/column labels,
 * a hover read-out of index and value, and a legend. Drawn on a canvas, so large matrices stay cheap.
 */
export function heatmap(matrix: readonly (readonly number[])[], options: HeatmapOptions = {}): HTMLElement {
  const {width = 640, maxCell = 24, rowLabels, colLabels, label = "value"} = options;
  const rows = matrix.length;
  const cols = rows ? matrix[0].length : 0;
  const extent = options.extent ?? (d3.max(matrix, (row) => d3.max(row, Math.abs)) || 1);
  const color = d3.scaleDiverging(d3.interpolateRdBu).domain([extent, 0, -extent]);
  const margin = {top: colLabels ? 28 : 4, left: rowLabels ? 44 : 4};
  const cell = Math.max(2, Math.min(maxCell, Math.floor((width - margin.left - 4) / Math.max(cols, 1))));

  const figure = document.createElement("figure");
  figure.className = "tg-heatmap";
  figure.style.maxWidth = "100%";
  figure.style.margin = "0";
  const canvas = document.createElement("canvas");
  const dpr = globalThis.devicePixelRatio || 1;
  const w = margin.left + cols * cell;
  const h = margin.top + rows * cell;
  canvas.width = Math.ceil(w * dpr);
  canvas.height = Math.ceil(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${label}: ${rows} × ${cols} heatmap`);
  const ctx = canvas.getContext("2d");
  if (ctx) {
    ctx.scale(dpr, dpr);
    for (let i = 0; i < rows; ++i) {
      for (let j = 0; j < cols; ++j) {
        ctx.fillStyle = color(matrix[i][j]);
        ctx.fillRect(margin.left + j * cell, margin.top + i * cell, cell, cell);
      }
    }
    ctx.fillStyle = "currentColor";
    ctx.font = "10px sans-serif";
    ctx.textBaseline = "middle";
    if (rowLabels && cell >= 8) {
      ctx.textAlign = "right";
      rowLabels.forEach((text, i) => ctx.fillText(text, margin.left - 4, margin.top + (i + 0.5) * cell));
    }
    if (colLabels && cell >= 8) {
      ctx.textAlign = "center";
      colLabels.forEach((text, j) => ctx.fillText(text, margin.left + (j + 0.5) * cell, margin.top - 10));
    }
  }

  const readout = document.createElement("figcaption");
  readout.className = "tg-readout";
  readout.style.font = "12px var(--monospace, monospace)";
  readout.style.minHeight = "1.4em";
  const idle = `${rows} × ${cols} · hover a cell`;
  readout.textContent = idle;
  canvas.addEventListener("pointermove", (event) => {
    const j = Math.floor((event.offsetX - margin.left) / cell);
    const i = Math.floor((event.offsetY - margin.top) / cell);
    if (i < 0 || j < 0 || i >= rows || j >= cols) return void (readout.textContent = idle);
    const r = rowLabels ? `${rowLabels[i]} ` : "";
    const c = colLabels ? ` ${colLabels[j]}` : "";
    readout.textContent = `[${r}${i}, ${j}${c}] ${label} = ${matrix[i][j].toFixed(4)}`;
  });
  canvas.addEventListener("pointerleave", () => (readout.textContent = idle));

  const scroller = document.createElement("div");
  scroller.style.overflowX = "auto";
  scroller.append(canvas);
  figure.append(scroller, legend(color, extent, label), readout);
  return figure;
}

function legend(color: (v: number) => string, extent: number, label: string): SVGSVGElement {
  const width = 200;
  const svg = d3
    .create("svg")
    .attr("width", width + 20)
    .attr("height", 34)
    .attr("class", "tg-legend");
  const id = `tg-grad-${Math.random().toString(36).slice(2)}`;
  const gradient = svg.append("defs").append("linearGradient").attr("id", id);
  for (let t = 0; t <= 1; t += 0.1) {
    gradient
      .append("stop")
      .attr("offset", t)
      .attr("stop-color", color(-extent + 2 * extent * t));
  }
  svg.append("rect").attr("x", 10).attr("y", 4).attr("width", width).attr("height", 10).attr("fill", `url(#${id})`);
  const x = d3.scaleLinear([-extent, extent], [10, 10 + width]);
  svg
    .append("g")
    .attr("transform", "translate(0,14)")
    .call(d3.axisBottom(x).ticks(5).tickSize(3))
    .call((g) => g.select(".domain").remove());
  svg.append("title").text(label);
  return svg.node()!;
}
