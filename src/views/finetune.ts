// Chapter 11's run, drawn from plain records: a status line that keeps the exact losses in its data attributes, the
// held-out curves of both fine-tunes, and what each model writes.
import {curves} from "./curves.js";

/** One fine-tune as the run reports it: losses where they were measured, and its pace. */
export interface SideRecord {
  trainable: number;
  steps: number[];
  newText: number[];
  shakespeare: number[];
  msPerStep: number | null;
}

export interface RunRecord {
  step: number;
  steps: number;
  done: boolean;
  lora: SideRecord;
  full: SideRecord;
}

const count = (n: number) => n.toLocaleString("en-US");
const pace = (s: SideRecord) => (s.msPerStep === null ? "…" : `${Math.round(s.msPerStep)} ms a step`);

/** How much the loss on the base's own text rose: what the model forgot. */
export const forgot = (s: SideRecord): number => (s.shakespeare.at(-1) ?? 0) - (s.shakespeare[0] ?? 0);

/** "Training: step 12 of 30 …", with the first and last held-out losses in data attributes (none before a run). */
export function runStatus(run: RunRecord | null): HTMLElement {
  const p = document.createElement("p");
  p.dataset.name = "runStatus";
  p.setAttribute("role", "status");
  if (!run) {
    p.textContent = "Press the button to start.";
    return p;
  }
  const {step, steps, done, lora, full} = run;
  p.textContent =
    `${done ? "Done" : "Training"}: step ${step} of ${steps}. LoRA trains ${count(lora.trainable)} numbers ` +
    `(${pace(lora)}), full fine-tuning ${count(full.trainable)} (${pace(full)}).`;
  Object.assign(p.dataset, {
    ...{step: String(step), steps: String(steps), done: String(done)},
    ...{loraFirst: String(lora.newText[0]), loraLast: String(lora.newText.at(-1))},
    ...{fullFirst: String(full.newText[0]), fullLast: String(full.newText.at(-1))},
    ...{loraForgot: String(forgot(lora)), fullForgot: String(forgot(full))}
  });
  return p;
}

/** Held-out loss of both fine-tunes against the step, on the new text or on Shakespeare. */
export const lossCurves = (run: RunRecord | null, key: "newText" | "shakespeare", width: number): HTMLElement =>
  curves(
    run
      ? [
          {name: "LoRA", values: run.lora[key]},
          {name: "full", values: run.full[key]}
        ]
      : [],
    {
      ...{x: run?.lora.steps, width, height: 180, xLabel: "step", yLabel: "nats per character", name: key}
    }
  );

/** Texts side by side under their captions, as text (never markup). */
export function samples(items: readonly {key: string; caption: string; text: string}[]): HTMLElement {
  const root = document.createElement("div");
  root.className = "tg-pair";
  root.dataset.name = "samples";
  for (const {key, caption, text} of items) {
    const figure = document.createElement("figure");
    const title = document.createElement("figcaption");
    title.textContent = caption;
    const pre = document.createElement("pre");
    pre.dataset.name = `sample-${key}`;
    pre.style.whiteSpace = "pre-wrap"; // long lines wrap: nothing to scroll
    pre.textContent = text;
    figure.append(title, pre);
    root.append(figure);
  }
  return root;
}

/** The numbers the page's closing sentence reads, once a run is done. */
export function outcome(run: RunRecord): {loraFirst: number; loraLast: number; fullLast: number} {
  const last = (xs: number[]) => xs[xs.length - 1];
  return {loraFirst: run.lora.newText[0], loraLast: last(run.lora.newText), fullLast: last(run.full.newText)};
}

/** The merge's result in a sentence; its exact numbers in data-max and data-relative. */
export function mergeNote({max, relative, fromBase}: {max: number; relative: number; fromBase: number}, T: number) {
  const p = document.createElement("p");
  p.dataset.name = "mergeResult";
  Object.assign(p.dataset, {max: String(max), relative: String(relative)});
  p.textContent =
    `Largest difference between the merged and the adapted model's logits on ${T} held-out characters: ` +
    `${max.toExponential(2)} (${relative.toExponential(2)} of the largest logit); the adapter itself moved them ` +
    `by up to ${fromBase.toFixed(3)}.`;
  return p;
}
