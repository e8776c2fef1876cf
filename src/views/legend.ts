import * as d3 from "d3";

/** The colour legend: a gradient over the domain ([-extent, extent] or [0, extent]), a swatch for masked cells if any. */
export function legend(
  color: (v: number) => string,
  [lo, hi]: readonly [number, number],
  label: string,
  masked = false,
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
  const parts = width < 150 ? 2 : 4;
  svg
    .append("g")
    .attr("transform", "translate(0,14)")
    .call(
      d3
        .axisBottom(x)
        .tickValues(d3.range(parts + 1).map((k) => lo + ((hi - lo) * k) / parts))
        .tickFormat(d3.format(".2~g"))
        .tickSize(3)
    )
    .call((g) => g.select(".domain").remove());
  if (masked) {
    const g = svg.append("g").attr("transform", `translate(${width + 2 * pad},4)`);
    g.append("rect").attr("width", 10).attr("height", 10).attr("fill", "#d9d9d9");
    g.append("text").attr("x", 14).attr("y", 9).attr("font-size", 10).text("masked (−∞)");
  }
  svg.append("title").text(label);
  return svg.node()!;
}
