// Chapter 7's figures' data, derived from a StepData in plain JS (no tensors): one example's tokens and
// probabilities, the residual-stream gradients, and AdamW's arithmetic for one tensor and one of its entries.
import {IGNORE_INDEX} from "../../gpt/loss.js";
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
