// Chapter 7's figures' data, derived from a StepData in plain JS (no tensors): one example's tokens and
// probabilities, the micro-batches' losses, the residual-stream gradients, and AdamW's arithmetic for one tensor and
// one of its entries.
import {IGNORE_INDEX} from "../../gpt/loss.js";
import type {PanelItem} from "../../views/panels.js";
import {rowsOf} from "../../views/gradAtlas.js";
import type {StepData, TensorStep} from "./stepSession.js";

/** A number for a formula: 4 significant digits, powers of ten written out. */
export function fmt(v: number, digits = 4): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : v < 0 ? "-\\infty" : "\\text{NaN}";
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  if (exponent >= -3 && exponent < 5) return String(Number(v.toPrecision(digits)));
  const mantissa = Number((v / 10 ** exponent).toPrecision(digits));
  return `${mantissa} \\times 10^{${exponent}}`;
}

/** A number as a factor of a product in a formula: negative ones in parentheses. */
export const fmtFactor = (v: number): string => (v < 0 ? `(${fmt(v)})` : fmt(v));

/** The largest |value| of an array (0 when empty); safe for arrays too long to spread into Math.max. */
export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/** Example b's input and target tokens (visible), and "x→y" labels per position ("x→·" where ignored). */
export function exampleTokens(step: StepData, b: number, show: (id: number) => string) {
  const x = step.x[b].map(show);
  const y = step.y[b].map((id) => (id === IGNORE_INDEX ? "·" : show(id)));
  return {x, y, pairs: x.map((t, i) => `${t}→${y[i]}`)};
}

/** p(target) at each position of example b (0 where ignored). */
export const targetProbs = (step: StepData, b: number): number[] =>
  step.losses[b].map((l) => (Number.isNaN(l) ? 0 : Math.exp(-l)));

/** The (B, T) losses with ignored positions as 0. */
export const lossGrid = (step: StepData): number[][] =>
  step.losses.map((row) => row.map((l) => (Number.isNaN(l) ? 0 : l)));

/** One micro-batch of the update: its rows of the batch, the targets it scores (N_j) and its mean loss (L_j). */
export interface MicroBatch {
  first: number; // its first row
  rows: number; // B
  scored: number;
  loss: number;
}

/** The update's micro-batches (one when nothing is accumulated), from the per-position losses read back. */
export function microBatches(step: StepData): MicroBatch[] {
  return Array.from({length: step.micro}, (_, j) => {
    const scored = step.losses
      .slice(j * step.B, (j + 1) * step.B)
      .flat()
      .filter((l) => !Number.isNaN(l));
    const loss = scored.reduce((a, l) => a + l, 0) / scored.length;
    return {first: j * step.B, rows: step.B, scored: scored.length, loss};
  });
}

/** The loss of an accumulated update as its micro-batches' weighted sum, in TeX: N₁/N · L₁ + … (at most 4 terms). */
export function weightedLossTex(micro: readonly MicroBatch[], N: number): string {
  const term = ({scored, loss}: MicroBatch) => `\\tfrac{${scored}}{${N}} \\cdot ${fmt(loss)}`;
  const shown = micro.length <= 4 ? micro.map(term) : [term(micro[0]), term(micro[1]), "\\dots", term(micro.at(-1)!)];
  return shown.join(" + ");
}

/** ∂loss/∂x_l for example b at every depth, last block first (the order backpropagation visits them). */
export function streamPanels(step: StepData, b: number): {title: string; matrix: number[][]}[] {
  const n = step.stream.length - 1;
  return step.stream
    .map((g, l) => ({title: l === 0 ? "∂L/∂x₀ · embeddings" : `∂L/∂x${sub(l)} · after block ${l - 1}`, matrix: g[b]}))
    .reverse()
    .map((panel, k) => (k === 0 && n > 0 ? {...panel, title: `${panel.title} (last)`} : panel));
}

/** The root mean square of the stream gradient at every depth (over the whole batch), embeddings first. */
export function streamRms(step: StepData): number[] {
  return step.stream.map((g) => {
    const all = g.flat(2);
    return Math.sqrt(all.reduce((a, v) => a + v * v, 0) / Math.max(1, all.length));
  });
}

const sub = (n: number): string => [...String(n)].map((d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]).join("");

/** A flat index as a tensor position, e.g. 37 in shape [8, 24] is [1, 13]. */
export function position(index: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(index % shape[k]);
    index = Math.floor(index / shape[k]);
  }
  return out;
}

export interface AdamDetail {
  lambda: number; // the weight decay applied to this tensor (0 for biases and gains)
  g: Float32Array; // the clipped gradient AdamW used
  mHat: Float32Array; // m / (1 − β1ᵗ)
  vHat: Float32Array; // v / (1 − β2ᵗ)
  direction: Float32Array; // m̂ / (√v̂ + ε)
  decayTerm: Float32Array; // λ·w
  index: number; // the entry with the largest |g|
  at: Record<"g" | "mPrev" | "vPrev" | "m" | "v" | "mHat" | "vHat" | "direction" | "w" | "update" | "after", number>;
}

/** AdamW's update of one tensor, term by term, and the numbers at the entry with the largest gradient. */
export function adamDetail(s: TensorStep, step: StepData): AdamDetail {
  const {bc1, bc2, clipScale, settings} = step;
  const lambda = s.decay ? settings.weightDecay : 0;
  const g = s.grad.map((v) => v * clipScale);
  const mHat = s.m.map((v) => v / bc1);
  const vHat = s.v.map((v) => v / bc2);
  const direction = mHat.map((m, i) => m / (Math.sqrt(vHat[i]) + settings.eps));
  const decayTerm = s.before.map((w) => lambda * w);
  let index = 0;
  g.forEach((v, i) => (Math.abs(v) > Math.abs(g[index]) ? (index = i) : 0));
  const i = index;
  const at = {
    ...{g: g[i], mPrev: s.mPrev[i], vPrev: s.vPrev[i], m: s.m[i], v: s.v[i], mHat: mHat[i], vHat: vHat[i]},
    ...{direction: direction[i], w: s.before[i], update: s.update[i], after: s.after[i]}
  };
  return {lambda, g, mHat, vHat, direction, decayTerm, index, at};
}

/** AdamW's terms for one tensor as panels, each on its own scale: g, m, v, the direction, the decay, the update. */
export function adamPanels(s: TensorStep, adam: AdamDetail): PanelItem[] {
  const matrix = (values: ArrayLike<number>) => rowsOf(values, s.shape);
  return [
    {title: "g: the clipped gradient", matrix: matrix(adam.g), name: "adam.g"},
    {title: "m", matrix: matrix(s.m), name: "adam.m"},
    {title: "v", matrix: matrix(s.v), name: "adam.v", scale: "sequential"},
    {title: "m̂ / (√v̂ + ε): Adam's direction", matrix: matrix(adam.direction), name: "adam.direction"},
    {title: "λ·w: the decay", matrix: matrix(adam.decayTerm), name: "adam.decay"},
    {title: "Δw: the update", matrix: matrix(s.update), name: "adam.update"}
  ];
}

/** A tensor before and after the update on one colour scale, and the change between them on its own. */
export function updatePanels(s: TensorStep): PanelItem[] {
  const extent = Math.max(maxAbs(s.before), maxAbs(s.after));
  return [
    {title: "w before", matrix: rowsOf(s.before, s.shape), name: "update.before", extent},
    {title: "Δw", matrix: rowsOf(s.update, s.shape), name: "update.delta"},
    {title: "w after", matrix: rowsOf(s.after, s.shape), name: "update.after", extent}
  ];
}
