// Chapter 8's live charts, drawn with Observable Plot from plain {step, value} arrays.
import * as Plot from "@observablehq/plot";
import {DIGIT_NAMES} from "./additionCard.js";
import {viewFigure} from "./figure.js";

export interface Point {
  step: number;
  value: number;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  /** The run's length: the x axis spans 0…steps even before the first step. */
  steps?: number;
  name?: string;
}

type Row = {step: number; value: number; series: string};

const rows = (points: readonly Point[], series: string): Row[] => points.map((p) => ({...p, series}));

/** A titled figure around a Plot chart, with data-name and how many points it drew. */
function figure(title: string, chart: Element, count: number, name?: string): HTMLElement {
  const element = viewFigure("tg-chart", {title, shows: `${count} point${count === 1 ? "" : "s"} so far`}, name);
  chart.setAttribute("aria-hidden", "true"); // Plot's marks carry labels of their own; the figure says what it shows
  element.dataset.points = String(count);
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  element.append(caption, chart);
  return element;
}

function lines(data: Row[], domain: string[], options: ChartOptions & {y?: Plot.ScaleOptions; marks?: Plot.Markish[]}) {
  const {width = 640, height = 200, steps = 1} = options;
  const last = data.reduce((m, r) => Math.max(m, r.step), 0);
  return Plot.plot({
    width: Math.min(width, 720),
    height,
    marginLeft: 48,
    x: {label: "step", domain: [0, Math.max(steps, last, 1)]},
    y: {grid: true, ...options.y},
    color: {domain, range: ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d"], legend: domain.length > 1},
    marks: [
      ...(options.marks ?? []),
      Plot.lineY(data, {x: "step", y: "value", stroke: "series", z: "series", strokeWidth: 1.5})
    ]
  });
}

/** Training loss per step and validation loss at each evaluation, against ln V (a uniform guess). */
export function lossChart(train: readonly Point[], val: readonly Point[], lnV: number, options: ChartOptions = {}) {
  const data = [...rows(train, "train"), ...rows(val, "validation")];
  const marks = [
    Plot.ruleY([lnV], {stroke: "currentColor", strokeOpacity: 0.4, strokeDasharray: "4 3"}),
    Plot.text([lnV], {y: (d: number) => d, frameAnchor: "right", dy: -6, text: () => "ln V: a uniform guess"}),
    Plot.dot(rows(val, "validation"), {x: "step", y: "value", stroke: "series", r: 2.5})
  ];
  const chart = lines(data, ["train", "validation"], {...options, y: {label: "loss", domain: [0, lnV * 1.15]}, marks});
  return figure("Loss", chart, data.length, options.name);
}

/** The schedule as planned (dashed) and the learning rate each update actually used. */
export function lrChart(
  planned: readonly {step: number; lr: number}[],
  used: readonly Point[],
  options: ChartOptions = {}
) {
  const marks = [
    Plot.lineY(planned, {x: "step", y: "lr", stroke: "currentColor", strokeOpacity: 0.5, strokeDasharray: "4 3"})
  ];
  const chart = lines(rows(used, "used"), ["used"], {...options, y: {label: "learning rate", tickFormat: "~e"}, marks});
  return figure("Learning rate (dashed: the schedule)", chart, used.length, options.name);
}

/** The global gradient norm before clipping, with the clipping threshold. */
export function gradNormChart(points: readonly Point[], clip: number | null, options: ChartOptions = {}) {
  const marks = clip ? [Plot.ruleY([clip], {stroke: "#c92a2a", strokeDasharray: "4 3"})] : [];
  const chart = lines(rows(points, "‖g‖"), ["‖g‖"], {...options, y: {label: "gradient norm", zero: true}, marks});
  return figure(`Gradient norm${clip ? ` (red: clipped above ${clip})` : ""}`, chart, points.length, options.name);
}

/** Held-out addition accuracy: every digit right, and each answer digit on its own. */
export function accuracyChart(
  points: readonly {step: number; exact: number; digits: readonly number[]}[],
  options: ChartOptions = {}
) {
  const exact = points.map((p) => ({step: p.step, value: p.exact, series: "whole answer"}));
  const digits = DIGIT_NAMES.flatMap((series, k) => points.map((p) => ({step: p.step, value: p.digits[k], series})));
  const data = [...exact, ...digits];
  const chart = lines(data, ["whole answer", ...DIGIT_NAMES], {
    ...options,
    y: {label: "accuracy (%)", domain: [0, 100], percent: true}
  });
  return figure("Held-out accuracy", chart, points.length, options.name);
}
