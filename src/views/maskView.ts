import * as d3 from "d3";
import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

export interface MaskViewOptions {
  width?: number;
  tokens?: readonly string[];
  name?: string;
}

/**
 * An additive attention mask (0 where a query may read a key, a large negative number or −∞ where it may not) as a
 * grid: open cells light, blocked cells grey and hatched, with "0" and "−∞" written in when cells are large enough.
 */
export function maskView(mask: readonly (readonly number[])[], options: MaskViewOptions = {}): HTMLElement {
  const {width = 640, tokens, name} = options;
  const T = mask.length;
  const left = tokens ? 22 : 4;
  const top = tokens ? 16 : 4;
  const cell = Math.max(3, Math.min(26, Math.floor(Math.min(width - left - 4, 480 - top) / Math.max(T, 1))));
  const open = (v: number) => Number.isFinite(v) && v > -1e8;
  const svg = d3
    .create("svg")
    .attr("width", left + T * cell + 2)
    .attr("height", top + T * cell + 2)
    .attr("role", "img")
    .attr("aria-label", `attention mask, ${T} × ${T}`);
  const cells = mask.flatMap((row, i) => row.map((v, j) => ({i, j, open: open(v)})));
  const g = svg.append("g").attr("transform", `translate(${left},${top})`);
  g.selectAll("rect")
    .data(cells)
    .join("rect")
    .attr("x", (d) => d.j * cell)
    .attr("y", (d) => d.i * cell)
    .attr("width", cell)
    .attr("height", cell)
    .attr("fill", (d) => (d.open ? "#e7f5ff" : "#d9d9d9"))
    .attr("stroke", cell >= 8 ? "white" : "none");
  if (cell >= 18) {
    g.append("g")
      .attr("font-size", 9)
      .attr("text-anchor", "middle")
      .selectAll("text")
      .data(cells)
      .join("text")
      .attr("x", (d) => (d.j + 0.5) * cell)
      .attr("y", (d) => (d.i + 0.5) * cell + 3)
      .attr("fill", (d) => (d.open ? "#1864ab" : "#666"))
      .text((d) => (d.open ? "0" : "−∞"));
  }
  if (tokens && cell >= 10) {
    const labels = svg.append("g").attr("font-size", 10).attr("text-anchor", "middle");
    tokens.forEach((t, k) => {
      labels
        .append("text")
        .attr("x", left + (k + 0.5) * cell)
        .attr("y", top - 4)
        .text(visible(t));
      labels
        .append("text")
        .attr("x", left - 8)
        .attr("y", top + (k + 0.5) * cell + 3)
        .text(visible(t));
    });
  }
  const allowed = cells.filter((d) => d.open).length;
  const shows = `${T} × ${T}, ${count(allowed, "open pair")}`;
  const figure = viewFigure("tg-mask", {title: "attention mask", shows}, name);
  figure.dataset.open = String(allowed);
  const caption = document.createElement("figcaption");
  caption.textContent = `${allowed} of ${T * T} query–key pairs open; row i may read keys 0…i`;
  if (allowed === T * T) caption.textContent = `all ${T * T} query–key pairs open: no mask`;
  const scroller = document.createElement("div");
  scroller.className = "tg-scroll";
  scroller.append(svg.node()!);
  figure.append(scroller, caption);
  return figure;
}
