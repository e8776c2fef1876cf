import * as d3 from "d3";

/**
 * Tick labels short enough to sit side by side, for parts + 1 evenly spaced ticks: a domain of tiny or huge numbers
 * in powers of ten with two significant digits (6e-7, 1.2e-6), any other with the fewest decimals that keep each tick
 * within a tenth of the spacing (3.05, 3.12, 3.19).
 */
export function tickFormat([lo, hi]: readonly [number, number], parts: number): (v: d3.NumberValue) => string {
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  if (top > 0 && (top < 1e-3 || top >= 1e5)) {
    const exponent = d3.format(".1~e");
    return (v) => (+v === 0 ? "0" : exponent(v));
  }
  const step = (hi - lo) / parts;
  const ticks = d3.range(parts + 1).map((k) => lo + step * k);
  const close = (d: number) => ticks.every((v) => Math.abs(Number(v.toFixed(d)) - v) <= step / 10);
  const decimals = d3.range(0, 8).find(close) ?? 8;
  return d3.format(`.${decimals}~f`);
}

/** Whether a domain's ticks are written in powers of ten (then fewer of them fit). */
const inPowers = ([lo, hi]: readonly [number, number]) => tickFormat([lo, hi], 1)(hi).includes("e");

/**
 * The colour legend: a gradient over the domain ([-extent, extent], [0, extent] or a sequential scale's [lo, hi]),
 * three or five ticks, a swatch for masked cells if any (named by masked, "masked (−∞)" when true).
 */
export function legend(
  color: (v: number) => string,
  [lo, hi]: readonly [number, number],
  label: string,
  masked: boolean | string = false,
  width = 200
): SVGSVGElement {
  width = Math.max(80, width);
  const pad = 20; // room for the end labels
  const svg = d3
    .create("svg")
    .attr("width", width + 2 * pad + (masked ? 90 : 0))
    .attr("height", 34)
    .attr("class", "tg-legend");
  const id = `tg-grad-${Math.random().toString(36).slice(2)}`;
  const gradient = svg.append("defs").append("linearGradient").attr("id", id);
  for (let t = 0; t <= 1.0001; t += 0.1) {
    gradient
      .append("stop")
      .attr("offset", t)
      .attr("stop-color", color(lo + (hi - lo) * t));
  }
  svg.append("rect").attr("x", pad).attr("y", 4).attr("width", width).attr("height", 10).attr("fill", `url(#${id})`);
  const x = d3.scaleLinear([lo, hi], [pad, pad + width]);
  const parts = width < 150 || inPowers([lo, hi]) ? 2 : 4;
  svg
    .append("g")
    .attr("transform", "translate(0,14)")
    .call(
      d3
        .axisBottom(x)
        .tickValues(d3.range(parts + 1).map((k) => lo + ((hi - lo) * k) / parts))
        .tickFormat(tickFormat([lo, hi], parts))
        .tickSize(3)
    )
    .call((g) => g.select(".domain").remove());
  if (masked) {
    const g = svg.append("g").attr("transform", `translate(${width + 2 * pad},4)`);
    g.append("rect").attr("width", 10).attr("height", 10).attr("fill", "#d9d9d9");
    g.append("text")
      .attr("x", 14)
      .attr("y", 9)
      .attr("font-size", 10)
      .text(masked === true ? "masked (−∞)" : masked);
  }
  svg.append("title").text(label);
  return svg.node()!;
}
