import * as d3 from "d3";
import {count, spokenRange, viewFigure} from "./figure.js";

export interface Series {
  name: string;
  values: readonly number[];
}

export interface CurvesOptions {
  /** The x of each value; 0, 1, 2, … when omitted. */
  x?: readonly number[];
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  /** A series drawn thicker, the others faded. */
  emphasis?: string;
  name?: string;
}

/** Several series as lines over a shared x, with axes and a legend. */
export function curves(series: readonly Series[], options: CurvesOptions = {}): HTMLElement {
  const {width = 640, height = 200, xLabel = "", yLabel = "", emphasis, name} = options;
  const n = d3.max(series, (s) => s.values.length) ?? 0;
  const xs = options.x ?? d3.range(n);
  const margin = {top: 10, right: 12, bottom: 30, left: 40};
  const w = Math.max(200, Math.min(width, 720));
  const x = d3.scaleLinear(d3.extent(xs) as [number, number], [margin.left, w - margin.right]);
  const all = series.flatMap((s) => s.values);
  const y = d3
    .scaleLinear([Math.min(0, d3.min(all) ?? 0), Math.max(0, d3.max(all) ?? 1)], [height - margin.bottom, margin.top])
    .nice();
  const color = d3.scaleOrdinal(
    series.map((s) => s.name),
    d3.schemeTableau10
  );
  const svg = d3
    .create("svg")
    .attr("width", w)
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", `${series.map((s) => s.name).join(", ")} against ${xLabel || "x"}`);
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).ticks(Math.min(8, n)).tickSizeOuter(0))
    .call((g) =>
      g
        .append("text")
        .attr("x", w - margin.right)
        .attr("y", 26)
        .attr("fill", "currentColor")
        .attr("text-anchor", "end")
        .text(xLabel)
    );
  svg
    .append("g")
    .attr("transform", `translate(${margin.left},0)`)
    .call(d3.axisLeft(y).ticks(5))
    .call((g) =>
      g
        .append("text")
        .attr("x", 4)
        .attr("y", margin.top)
        .attr("fill", "currentColor")
        .attr("text-anchor", "start")
        .text(yLabel)
    );
  svg
    .append("line")
    .attr("x1", margin.left)
    .attr("x2", w - margin.right)
    .attr("y1", y(0))
    .attr("y2", y(0))
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.2);
  const line = d3.line<number>(
    (_, i) => x(xs[i]),
    (v) => y(v)
  );
  svg
    .append("g")
    .attr("fill", "none")
    .selectAll("path")
    .data(series)
    .join("path")
    .attr("class", "tg-curve")
    .attr("data-series", (s) => s.name)
    .attr("stroke", (s) => color(s.name))
    .attr("stroke-width", (s) => (s.name === emphasis ? 3 : 1.5))
    .attr("stroke-opacity", (s) => (emphasis && s.name !== emphasis ? 0.45 : 1))
    .attr("d", (s) => line(s.values as number[]));
  const shows = `${count(series.length, "curve")} against ${xLabel || "x"}, ${spokenRange(all)}`;
  const figure = viewFigure("tg-curves", {title: series.map((s) => s.name).join(", "), shows}, name);
  const keys = document.createElement("div");
  keys.className = "tg-keys";
  for (const s of series) {
    const key = document.createElement("span");
    key.style.setProperty("--key", color(s.name));
    key.textContent = s.name;
    if (s.name === emphasis) key.classList.add("tg-emphasis");
    keys.append(key);
  }
  figure.append(keys, svg.node()!);
  return figure;
}
