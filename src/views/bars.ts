import * as d3 from "d3";
import {count, spokenRange, viewFigure} from "./figure.js";

export interface BarsOptions {
  width?: number;
  height?: number;
  /** One label per bar (thinned when bars are narrow). */
  labels?: readonly string[];
  /** The y domain; defaults to [min(0, values), max(0, values)]. Share it to compare two charts. */
  domain?: readonly [number, number];
  /** A dashed reference line, e.g. the uniform weight 1/n, labelled in the margin right of the bars. */
  rule?: {value: number; label: string};
  label?: string;
  name?: string;
}

/** Width of a 10 px label's character, generously: the rule's label gets this much margin per character. */
const RULE_CHAR = 6;
/** Width of a 10 px sans-serif bar label's widest characters (M, an arrow, ↵: 0.84 em), and the gap between two. */
const LABEL_CHAR = 8.5;
const LABEL_GAP = 4;

/** A vector as bars from zero (red positive, blue negative), with a hover title per bar. SVG; up to a few hundred bars. */
export function bars(values: readonly number[], options: BarsOptions = {}): HTMLElement {
  const {width = 640, height = 140, labels, rule, label = "value", name} = options;
  const ruleLabel = rule ? Math.ceil(RULE_CHAR * rule.label.length) + 6 : 0;
  const margin = {top: 8, right: 8 + ruleLabel, bottom: labels ? 20 : 8, left: 40};
  const domain = options.domain ?? [Math.min(0, d3.min(values) ?? 0), Math.max(0, d3.max(values) ?? 0) || 1];
  const labelWidth = labels ? (d3.max(labels, (s) => s.length) ?? 1) * LABEL_CHAR + LABEL_GAP : 0;
  const perBar = Math.max(28, labelWidth); // room for each bar's label when the page is wide enough
  const inner = Math.max(values.length * 2, Math.min(width - margin.left - margin.right, values.length * perBar));
  const x = d3.scaleBand(d3.range(values.length), [0, inner]).padding(values.length > 64 ? 0 : 0.15);
  const y = d3.scaleLinear(domain as [number, number], [height - margin.bottom, margin.top]).nice();
  const svg = d3
    .create("svg")
    .attr("width", inner + margin.left + margin.right)
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", `${label}: ${values.length} bars`);
  const g = svg.append("g").attr("transform", `translate(${margin.left},0)`);
  g.append("g")
    .attr("transform", `translate(0,0)`)
    .call(d3.axisLeft(y).ticks(4).tickSize(3))
    .call((a) => a.select(".domain").remove());
  g.selectAll("rect.tg-bar")
    .data(values)
    .join("rect")
    .attr("class", "tg-bar")
    .attr("x", (_, i) => x(i)!)
    .attr("width", Math.max(1, x.bandwidth()))
    .attr("y", (v) => y(Math.max(0, v)))
    .attr("height", (v) => Math.abs(y(v) - y(0)))
    .attr("fill", (v) => (v >= 0 ? "#c92a2a" : "#1c7ed6"))
    .append("title")
    .text((v, i) => `${labels ? `${labels[i]} ` : ""}[${i}] ${label} = ${v.toFixed(4)}`);
  g.append("line")
    .attr("x1", 0)
    .attr("x2", inner)
    .attr("y1", y(0))
    .attr("y2", y(0))
    .attr("stroke", "currentColor")
    .attr("stroke-opacity", 0.4);
  if (rule) {
    g.append("line")
      .attr("class", "tg-rule")
      .attr("x1", 0)
      .attr("x2", inner)
      .attr("y1", y(rule.value))
      .attr("y2", y(rule.value))
      .attr("stroke", "currentColor")
      .attr("stroke-dasharray", "4 3");
    g.append("text")
      .attr("class", "tg-rule-label")
      .attr("x", inner + 4)
      .attr("y", y(rule.value))
      .attr("dy", "0.32em")
      .attr("font-size", 10)
      .attr("font-family", "sans-serif")
      .text(rule.label);
  }
  if (labels) {
    const step = Math.ceil(labelWidth / Math.max(1, x.step()));
    g.append("g")
      .attr("class", "tg-bar-labels")
      .attr("font-size", 10)
      .attr("font-family", "sans-serif")
      .attr("text-anchor", "middle")
      .selectAll("text")
      .data(labels.map((text, i) => ({text, i})).filter(({i}) => i % step === 0))
      .join("text")
      .attr("x", ({i}) => x(i)! + x.bandwidth() / 2)
      .attr("y", height - 6)
      .text(({text}) => text);
  }
  const figure = viewFigure(
    "tg-bars",
    {title: label, shows: `${count(values.length, "bar")}, ${spokenRange(values)}`},
    name
  );
  figure.dataset.values = JSON.stringify(values.map((v) => +v.toPrecision(6)));
  const scroller = document.createElement("div");
  scroller.className = "tg-scroll";
  scroller.append(svg.node()!);
  figure.append(scroller);
  return figure;
}
