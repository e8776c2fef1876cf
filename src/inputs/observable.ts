// Observable's inputs (@observablehq/inputs) as the pages use them: all of them as they are, but a range whose slider
// is named. Inputs.range labels only its number box (<label for>), so a screen reader meets an unnamed slider beside
// it, which axe-core counts as a critical fault. Pages import Inputs from here: `import * as Inputs from
// "./inputs/observable.js"`.
import * as Inputs from "@observablehq/inputs";

export * from "@observablehq/inputs";

type RangeOptions = NonNullable<Parameters<typeof Inputs.range>[1]>;

/** Inputs.range, with its label required and naming the slider as well as the number box. */
export function range(extent: [number, number], options: RangeOptions & {label: RangeOptions["label"] & {}}) {
  const form = Inputs.range(extent, options);
  const label = form.querySelector<HTMLLabelElement>(":scope > label");
  const slider = form.querySelector<HTMLInputElement>("input[type=range]");
  if (!label || !slider) throw new Error("Inputs.range: no label or no slider to name");
  label.id ||= `${label.htmlFor}-label`;
  slider.setAttribute("aria-labelledby", label.id);
  return form;
}
