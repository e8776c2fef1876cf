import * as d3 from "d3";
import {count, spoken, viewFigure} from "./figure.js";

export interface HistogramOptions {
  width?: number;
  height?: number;
  bins?: number;
  label?: string;
  name?: string;
}

/** The distribution of a set of numbers as bars, with its mean and standard deviation in the caption. */
export function histogram(values: readonly number[], options: HistogramOptions = {}): HTMLElement {
  const {width = 320, height = 150, bins = 30, label = "values", name} = options;
  const margin = {top: 8, right: 10, bottom: 22, left: 36};
  const w = Math.max(160, Math.min(width, 480));
  const [lo, hi] = d3.extent(values) as [number, number];
  const pad = lo === hi ? Math.max(1e-3, Math.abs(lo) * 0.1) : 0;
  const x = d3.scaleLinear([lo - pad, hi + pad], [margin.left, w - margin.right]).nice();
  const buckets = d3
    .bin()
    .domain(x.domain() as [number, number])
    .thresholds(x.ticks(bins))(values as number[]);
  const y = d3.scaleLinear([0, d3.max(buckets, (b) => b.length) ?? 1], [height - margin.bottom, margin.top]);
  const svg = d3
    .create("svg")
    .attr("width", w)
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", `histogram of ${label}`);
  svg
    .append("g")
    .attr("fill", "#4c6ef5")
    .selectAll("rect")
    .data(buckets)
    .join("rect")
    .attr("x", (b) => x(b.x0!) + 0.5)
    .attr("width", (b) => Math.max(0, x(b.x1!) - x(b.x0!) - 1))
    .attr("y", (b) => y(b.length))
    .attr("height", (b) => y(0) - y(b.length));
  svg
    .append("g")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(d3.axisBottom(x).ticks(5).tickSizeOuter(0));
  svg.append("g").attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(3));
  const mean = d3.mean(values) ?? 0;
  const std = Math.sqrt(d3.mean(values, (v) => (v - mean) ** 2) ?? 0);
  const shows = `histogram of ${count(values.length, "value")}, mean ${spoken(mean)}, standard deviation ${spoken(std)}`;
  const figure = viewFigure("tg-histogram", {title: label, shows}, name);
  Object.assign(figure.dataset, {mean, std, n: values.length});
  const caption = document.createElement("figcaption");
  caption.textContent = `${label}: mean ${fmt(mean)} · std ${fmt(std)} · ${values.length} numbers`;
  figure.append(svg.node()!, caption);
  return figure;
}

const fmt = (v: number) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : v.toFixed(3));
