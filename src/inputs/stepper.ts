/** A control that counts "new batch" requests: `.value` and a (non-bubbling) "input" event per request. */
export type Counter = HTMLElement & {value: number};

/**
 * A stepper through numbered stages, following Framework's view() contract: `.value` is the current stage (0-based)
 * and a bubbling "input" event announces each change. Buttons go to the previous and next stage, restart at the
 * first, and ask for a new batch (`.draws`, a separate counter, so that a new batch does not look like a new stage);
 * the stage chips jump to a stage. Keys, anywhere on the page outside a form field: ← and → (or K and J) step,
 * Home or R restarts, N asks for a new batch. `dispose()` removes the key listener. With {batch: false} there is no
 * new-batch button or key (a stepper through something other than a training step); label names the group.
 */
export type Stepper = HTMLElement & {value: number; draws: Counter; dispose(): void};

export interface StepperOptions {
  value?: number;
  /** A "New batch" button and the N key (default true). */
  batch?: boolean;
  /** The group's accessible name (default "stages of the training step"). */
  label?: string;
}

export function stepper(
  titles: readonly string[],
  {value = 0, batch: withBatch = true, label = "stages of the training step"}: StepperOptions = {}
): Stepper {
  const root = document.createElement("div") as unknown as Stepper;
  root.className = "tg-stepper";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", label);
  const last = titles.length - 1;
  let stage = clamp(value, 0, last);
  let draws = 0;

  const button = (action: string, text: string, title: string) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.action = action;
    b.textContent = text;
    b.title = title;
    return b;
  };
  const restart = button("restart", "⟲ Restart", "Back to the first stage (Home or R)");
  const previous = button("previous", "← Previous", "Previous stage (←)");
  const next = button("next", "Next →", "Next stage (→)");
  const batch = button("batch", "New batch", "Draw another batch from the corpus (N)");
  const keys = document.createElement("span");
  keys.className = "tg-stepper-keys";
  keys.textContent = withBatch ? "keys: ← → stages · R restart · N new batch" : "keys: ← → steps · R restart";
  const bar = document.createElement("div");
  bar.className = "tg-stepper-buttons";
  bar.append(restart, previous, next, ...(withBatch ? [batch] : []), keys);

  const chips = document.createElement("ol");
  chips.className = "tg-stepper-stages";
  const chipButtons = titles.map((title, i) => {
    const b = button("stage", `${i + 1} · ${title}`, `Stage ${i + 1}: ${title}`);
    b.dataset.stage = String(i);
    const item = document.createElement("li");
    item.append(b);
    chips.append(item);
    return b;
  });

  const counter = document.createElement("span") as unknown as Counter;
  counter.className = "tg-stepper-draws";
  counter.value = 0;
  counter.setAttribute("aria-live", "polite");
  if (withBatch) bar.append(counter);
  root.append(bar, chips);
  root.draws = counter;

  function show(): void {
    root.dataset.stage = String(stage);
    previous.disabled = restart.disabled = stage === 0;
    next.disabled = stage === last;
    chipButtons.forEach((b, i) => {
      b.toggleAttribute("aria-current", i === stage);
      if (i === stage) b.setAttribute("aria-current", "step");
      b.classList.toggle("tg-done", i < stage);
    });
    counter.textContent = draws === 0 ? "the next batch of training" : `another batch (${draws})`;
  }
  function go(to: number): void {
    const target = clamp(to, 0, last);
    if (target === stage) return;
    stage = target;
    show();
    root.dispatchEvent(new Event("input", {bubbles: true}));
  }
  function newBatch(): void {
    counter.value = ++draws;
    show();
    counter.dispatchEvent(new Event("input"));
  }

  restart.addEventListener("click", () => go(0));
  previous.addEventListener("click", () => go(stage - 1));
  next.addEventListener("click", () => go(stage + 1));
  batch.addEventListener("click", newBatch);
  chipButtons.forEach((b, i) => b.addEventListener("click", () => go(i)));

  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as Element | null;
    if (target?.closest?.("input, select, textarea, [contenteditable]")) return;
    const action: Record<string, () => void> = {
      ArrowRight: () => go(stage + 1),
      j: () => go(stage + 1),
      ArrowLeft: () => go(stage - 1),
      k: () => go(stage - 1),
      Home: () => go(0),
      r: () => go(0),
      ...(withBatch ? {n: newBatch} : {})
    };
    const run = action[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!run) return;
    event.preventDefault();
    run();
  };
  const doc = root.ownerDocument;
  doc.addEventListener("keydown", onKey);
  root.dispose = () => doc.removeEventListener("keydown", onKey);

  Object.defineProperty(root, "value", {get: () => stage, set: (v: number) => go(v)});
  show();
  return root;
}

/**
 * The stages of a page, read from its sections: every `.tg-stage` element under root, in document order, headed by
 * "N · title" with N counting from 1. Numbers each section (data-stage, from 0) and returns the titles, for
 * stepper(). Throws, naming the section, when a heading is missing or numbered out of order, so that the chips and
 * the sections cannot disagree.
 */
export function stageSections(root: ParentNode): string[] {
  const sections = [...root.querySelectorAll<HTMLElement>(".tg-stage")];
  if (sections.length === 0) throw new Error("stageSections: no .tg-stage section");
  return sections.map((section, i) => {
    const heading = section.querySelector("h1, h2, h3, h4, h5, h6")?.textContent?.trim() ?? "";
    const match = /^(\d+) · (.+)$/.exec(heading);
    if (!match || Number(match[1]) !== i + 1) {
      throw new Error(`stageSections: section ${i + 1}'s heading is "${heading}", not "${i + 1} · …"`);
    }
    section.dataset.stage = String(i);
    return match[2];
  });
}

/** Shows the section of the current stage and hides the others: every element [data-stage] under root. */
export function showStage(stage: number, root: ParentNode): void {
  for (const section of root.querySelectorAll<HTMLElement>(".tg-stage[data-stage]")) {
    section.hidden = Number(section.dataset.stage) !== stage;
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(v)));
