import {range} from "./observable.js";

/** A slider over the generated tokens: `.value` is the token picked (1-based), announced by a bubbling "input". */
export type TokenPicker = HTMLFormElement & {
  value: number;
  /** Follows the tokens written: the slider runs from 1 to count; once final, a pick past the end moves to the last. */
  setCount(count: number, final: boolean): void;
  /** Picks token `at` (1-based), as the reader would. */
  pick(at: number): void;
};

/**
 * Observable's range (its slider named by its label) over the tokens a generation has written: the slider's end
 * follows the count as tokens stream in; the number box may ask for a token not written yet (up to limit).
 */
export function tokenPicker({label = "token", limit, value = 1}: {label?: string; limit: number; value?: number}) {
  const form = range([1, limit], {label, step: 1, value}) as TokenPicker;
  const inputs = [...form.querySelectorAll<HTMLInputElement>("input")];
  form.pick = (at) => {
    form.value = at;
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  form.setCount = (count, final) => {
    for (const input of inputs) input.max = String(Math.max(1, count));
    form.dataset.count = String(count);
    if (final && count > 0 && form.value > count) form.pick(count);
  };
  form.setCount(0, false);
  return form;
}
