// Chapter 7's backward pass by hand, in plain JS from an inspected step: the loss's gradient with respect to the
// logits (softmax − one-hot), the head's matrix product backward (∂L/∂W = xᵀ·∂L/∂y, ∂L/∂x = ∂L/∂y·Wᵀ) checked
// against the library's autodiff, and how c_attn's gradient splits between its q, k and v columns.
import {IGNORE_INDEX} from "../../gpt/loss.js";
import {rowsOf} from "../../views/gradAtlas.js";
import type {StepData, TensorStep} from "./stepSession.js";

/** softmax of one row of logits, computed stably (the largest logit subtracted first). */
export function softmax(row: readonly number[]): number[] {
  const top = Math.max(...row);
  const e = row.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

/**
 * ∂ℓ/∂logits = softmax(logits) − one-hot(y) at every position of example b, (T, V): the position's own loss
 * ℓ = −log p(y) differentiated; rows of 0 where the target is ignored. The batch's ∂L/∂logits is this over N.
 */
export function logitGrad(step: StepData, b: number): number[][] {
  return step.logits[b].map((row, t) => {
    const y = step.y[b][t];
    if (y === IGNORE_INDEX) return row.map(() => 0);
    return softmax(row).map((p, v) => (v === y ? p - 1 : p));
  });
}

/** The head's product y = x·W backward, from the inspected step, beside the library's autodiff. */
export interface HeadBackward {
  /** The weight W is read from: wte (tied: W = wteᵀ) or lm_head. */
  weight: string;
  tied: boolean;
  dW: number[][]; // (C, V) xᵀ·∂L/∂y
  autodiffW: number[][]; // (C, V) the library's gradient of the head's W (tied: wte's, less the lookup's part)
  dX: number[][]; // (micro · B · T, C) ∂L/∂y·Wᵀ, rows in batch order
  autodiffX: number[][]; // (micro · B · T, C) the library's ∂L/∂x (a zero added to the head's input)
  diffW: number; // largest |dW − autodiffW|
  maxW: number; // largest |autodiffW|
  diffX: number;
  maxX: number;
}

const WTE = "transformer.wte.weight";
const LM_HEAD = "lm_head.weight";

/**
 * The head's backward computed here: x (micro · B · T, C) is the head's input, ∂L/∂y = (softmax − one-hot) / N
 * (0 where ignored), W (C, V) the head's weight. A tied head's W is wteᵀ, and autodiff's gradient of wte adds two
 * uses: the head's, and the lookup's (each token's row of wte receives ∂L/∂x₀ at every position that reads it; no
 * dropout here). The lookup's part is taken away to compare the head's alone.
 */
export function headBackward(step: StepData): HeadBackward {
  const head = step.tensors.find((t) => t.name === LM_HEAD);
  const wte = step.tensors.find((t) => t.name === WTE);
  if (!wte) throw new Error(`the step has no ${WTE}`);
  const tied = !head;
  const [V, C] = wte.shape;
  const W = tied ? transpose(rowsOf(wte.before, wte.shape)) : rowsOf(head.before, head.shape); // (C, V)
  const x = step.head.input.flat(); // (micro · B · T, C)
  const ids = step.x.flat();
  const dY = step.logits.flatMap((_, b) => logitGrad(step, b)).map((row) => row.map((g) => g / step.supervised)); // (rows, V)
  const dW = matmul(transpose(x), dY); // (C, rows) x (rows, V) -> (C, V)
  const dX = matmul(dY, transpose(W)); // (rows, V) x (V, C) -> (rows, C)
  const autodiffW = tied ? headPartOfWte(wte, step, ids, V, C) : rowsOf(head.grad, head.shape); // (C, V)
  const autodiffX = step.head.inputGrad.flat(); // (rows, C)
  return {
    ...{weight: tied ? WTE : LM_HEAD, tied, dW, autodiffW, dX, autodiffX},
    ...{diffW: maxDiff(dW, autodiffW), maxW: maxOf(autodiffW), diffX: maxDiff(dX, autodiffX), maxX: maxOf(autodiffX)}
  };
}

/** wte's gradient less what the lookup gave each token's row (∂L/∂x₀ where it is read), transposed: (C, V). */
function headPartOfWte(wte: TensorStep, step: StepData, ids: readonly number[], V: number, C: number): number[][] {
  const part = rowsOf(wte.grad, [V, C]); // (V, C)
  step.stream[0].flat().forEach((g, r) => g.forEach((v, c) => (part[ids[r]][c] -= v)));
  return transpose(part);
}

/** RMS of c_attn's gradient over its q, k and v columns ((C, 3C) here: q, k, v one after the other). */
export function qkvGradRms(tensor: TensorStep): {q: number; k: number; v: number} {
  const cols = tensor.shape.at(-1)!;
  const C = cols / 3;
  const sums = [0, 0, 0];
  tensor.grad.forEach((g, i) => (sums[Math.floor((i % cols) / C)] += g * g));
  const n = tensor.grad.length / 3;
  const [q, k, v] = sums.map((s) => Math.sqrt(s / n));
  return {q, k, v};
}

const transpose = (m: readonly (readonly number[])[]): number[][] =>
  m.length === 0 ? [] : m[0].map((_, j) => m.map((row) => row[j]));

function matmul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const cols = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(cols).fill(0);
    row.forEach((v, k) => {
      if (v !== 0) b[k].forEach((w, j) => (out[j] += v * w));
    });
    return out;
  });
}

const maxOf = (m: readonly (readonly number[])[]): number =>
  m.reduce((top, row) => row.reduce((t, v) => Math.max(t, Math.abs(v)), top), 0);

const maxDiff = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number =>
  a.reduce((top, row, i) => row.reduce((t, v, j) => Math.max(t, Math.abs(v - b[i][j])), top), 0);
