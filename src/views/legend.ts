import * as d3 from "d3";

const SVG = "http://www.w3.org/2000/svg";
const PAD = 20; // room for the end labels
const STOPS = 11;

const make = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

export type Legend = SVGSVGElement & {
  /** Redraws the legend for another scale, domain, label or width, in place. */
  update(
    color: (v: number) => string,
    domain: readonly [number, number],
    label: string,
    masked?: boolean | string,
    width?: number
  ): void;
};

let ids = 0;

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
 * three or five ticks, a swatch for masked cells if any (named by masked, "masked (−∞)" when true). Its update()
 * redraws it in place, so a figure redrawn with new numbers keeps its legend.
 */
export function legend(
  color: (v: number) => string,
  domain: readonly [number, number],
  label: string,
  masked: boolean | string = false,
  width = 200
): Legend {
  const svg = make("svg", {height: 34, class: "tg-legend"}) as Legend;
  const id = `tg-grad-${++ids}`;
  const gradient = make("linearGradient", {id});
  const stops = Array.from({length: STOPS}, (_, k) => make("stop", {offset: k / (STOPS - 1)}));
  gradient.append(...stops);
  const defs = make("defs");
  defs.append(gradient);
  const bar = make("rect", {x: PAD, y: 4, height: 10, fill: `url(#${id})`});
  const axis = make("g", {transform: "translate(0,14)", fill: "none", "font-size": 10, "font-family": "sans-serif"});
  axis.setAttribute("text-anchor", "middle");
  const swatch = make("g");
  const swatchText = make("text", {x: 14, y: 9, "font-size": 10});
  swatch.append(make("rect", {width: 10, height: 10, fill: "#d9d9d9"}), swatchText);
  const title = make("title");
  svg.append(defs, bar, axis, title);
  let ticks: SVGGElement[] = [];
  svg.update = (color, [lo, hi], label, masked = false, width = 200) => {
    width = Math.max(80, width);
    svg.setAttribute("width", String(width + 2 * PAD + (masked ? 90 : 0)));
    stops.forEach((stop, k) => stop.setAttribute("stop-color", color(lo + ((hi - lo) * k) / (STOPS - 1))));
    bar.setAttribute("width", String(width));
    const parts = width < 150 || inPowers([lo, hi]) ? 2 : 4;
    const format = tickFormat([lo, hi], parts);
    if (ticks.length !== parts + 1) {
      ticks = Array.from({length: parts + 1}, () => {
        const tick = make("g", {class: "tick", opacity: 1});
        tick.append(
          make("line", {stroke: "currentColor", y2: 3}),
          make("text", {fill: "currentColor", y: 6, dy: "0.71em"})
        );
        return tick;
      });
      axis.replaceChildren(...ticks);
    }
    ticks.forEach((tick, k) => {
      const value = lo + ((hi - lo) * k) / parts;
      tick.setAttribute("transform", `translate(${PAD + (width * k) / parts},0)`);
      tick.lastChild!.textContent = format(value);
    });
    if (masked) {
      swatch.setAttribute("transform", `translate(${width + 2 * PAD},4)`);
      swatchText.textContent = masked === true ? "masked (−∞)" : masked;
      if (swatch.parentNode !== svg) svg.insertBefore(swatch, title);
    } else swatch.remove();
    title.textContent = label;
  };
  svg.update(color, domain, label, masked, width);
  return svg;
}
