import * as d3 from "d3";
import {viewFigure} from "./figure.js";

export interface Share {
  label: string;
  value: number;
}

export interface SharesOptions {
  width?: number;
  height?: number;
  name?: string;
}

/**
 * Parts of a whole as one bar split in proportion (parameters by component, say), each segment labelled when it is
 * wide enough, with a legend giving every part's value and percentage (parts of 0 are listed, not drawn).
 */
export function shares(parts: readonly Share[], options: SharesOptions = {}): HTMLElement {
  const {width = 640, height = 28, name} = options;
  const w = Math.max(200, Math.min(width, 720));
  const total = d3.sum(parts, (p) => p.value);
  const color = d3.scaleOrdinal(
    parts.map((p) => p.label),
    d3.schemeTableau10
  );
  const x = d3.scaleLinear([0, total || 1], [0, w]);
  const svg = d3
    .create("svg")
    .attr("width", w)
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", parts.map((p) => `${p.label} ${percent(p.value, total)}`).join(", "));
  let start = 0;
  const segments = parts.map((p) => {
    const segment = {...p, x0: x(start), x1: x(start + p.value)};
    start += p.value;
    return segment;
  });
  const g = svg
    .selectAll("g")
    .data(segments.filter((s) => s.value > 0))
    .join("g");
  g.append("rect")
    .attr("x", (s) => s.x0)
    .attr("width", (s) => Math.max(1, s.x1 - s.x0))
    .attr("height", height)
    .attr("fill", (s) => color(s.label))
    .append("title")
    .text((s) => `${s.label}: ${s.value.toLocaleString("en-US")} (${percent(s.value, total)})`);
  g.filter((s) => s.x1 - s.x0 > 7 * (s.label.length + 6))
    .append("text")
    .attr("x", (s) => s.x0 + 4)
    .attr("y", height / 2 + 4)
    .attr("font-size", 11)
    .attr("fill", "white")
    .text((s) => `${s.label} ${percent(s.value, total)}`);
  const shows = parts.map((p) => `${p.label} ${percent(p.value, total)}`).join(", ");
  const figure = viewFigure("tg-shares", {title: "shares", shows}, name);
  figure.dataset.total = String(total);
  const keys = document.createElement("div");
  keys.className = "tg-keys";
  for (const p of parts) {
    const key = document.createElement("span");
    key.style.setProperty("--key", color(p.label));
    key.dataset.label = p.label;
    key.dataset.value = String(p.value);
    key.textContent = `${p.label} ${p.value.toLocaleString("en-US")} (${percent(p.value, total)})`;
    keys.append(key);
  }
  figure.append(svg.node()!, keys);
  return figure;
}

export const percent = (value: number, total: number): string =>
  total > 0 ? `${((100 * value) / total).toFixed(value / total < 0.001 && value > 0 ? 3 : 1)}%` : "0%";
