/** One control of the panel: a whole number, a choice among options, or a line of text. */
export type PanelField =
  | {key: string; label: string; kind: "int"; min: number; max: number; help?: string}
  | {key: string; label: string; kind: "choice"; options: readonly string[]; help?: string}
  | {key: string; label: string; kind: "text"; help?: string};

export interface PanelOptions<T> {
  /** The controls shown, in order; the value may hold more keys than these. */
  fields: readonly PanelField[];
  /** The value shown first; must be valid. */
  value: T;
  /** What the reset button restores. */
  defaults: T;
  /** The value a form state would give, or the problems that refuse it (each naming its field). */
  check: (raw: Record<string, unknown>) => {model: T | null; problems: string[]};
  /** One line describing a value, shown under the title. */
  summary?: (value: T) => string;
  /** Messages about how the value was loaded (ignored settings), shown once at the top. */
  notices?: readonly string[];
  title?: string;
}

export type Panel<T> = HTMLFormElement & {value: T};

/**
 * A form over a record of settings, following Framework's view() contract: `.value` is the last valid record, and a
 * bubbling "input" event announces each new one. An edit that makes the record invalid is refused in place: the
 * problems are shown, the offending controls are marked, and `.value` (so every figure built from it) stays as it was.
 */
export function modelPanel<T extends object>(options: PanelOptions<T>): Panel<T> {
  const {fields, defaults, check, summary, notices = [], title = "Your model"} = options;
  let value = options.value;
  const form = document.createElement("form") as Panel<T>;
  form.className = "tg-model";
  form.setAttribute("aria-label", title);
  form.addEventListener("submit", (event) => event.preventDefault());

  const head = document.createElement("div");
  head.className = "tg-model-head";
  const name = document.createElement("strong");
  name.textContent = title;
  const line = document.createElement("span");
  line.className = "tg-model-summary";
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "tg-reset";
  reset.textContent = "Reset to defaults";
  head.append(name, line, reset);
  form.append(head);

  for (const text of notices) {
    const notice = document.createElement("div");
    notice.className = "tg-notice";
    notice.setAttribute("role", "status");
    notice.textContent = text;
    form.append(notice);
  }

  const grid = document.createElement("div");
  grid.className = "tg-model-fields";
  const controls = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  for (const field of fields) {
    const control = makeControl(field);
    control.name = field.key;
    control.addEventListener("input", (event) => {
      event.stopPropagation(); // the form announces only valid values
      update();
    });
    control.addEventListener("change", (event) => event.stopPropagation());
    controls.set(field.key, control);
    const label = document.createElement("label");
    label.className = `tg-field tg-field-${field.kind}`;
    const caption = document.createElement("span");
    caption.textContent = field.label;
    if (field.help) label.title = field.help;
    label.append(caption, control);
    grid.append(label);
  }
  form.append(grid);

  const refused = document.createElement("p");
  refused.className = "tg-refused";
  refused.setAttribute("role", "alert");
  refused.hidden = true;
  form.append(refused);

  function show(record: T): void {
    for (const [key, control] of controls) control.value = String((record as Record<string, unknown>)[key]);
  }

  function update(): void {
    const raw = {...value} as Record<string, unknown>;
    for (const [key, control] of controls) raw[key] = control.value;
    const {model, problems} = check(raw);
    for (const [key, control] of controls) {
      const bad = problems.some((p) => new RegExp(`(^|\\W)${key}\\b`).test(p));
      control.toggleAttribute("aria-invalid", bad);
    }
    refused.hidden = model !== null;
    refused.textContent = model
      ? ""
      : `Not applied: ${problems.join("; ")}. The figures still show the last valid model.`;
    if (!model) return;
    value = model;
    line.textContent = summary ? summary(value) : "";
    form.dispatchEvent(new Event("input", {bubbles: true}));
  }

  reset.addEventListener("click", () => {
    show(defaults);
    update();
  });

  Object.defineProperty(form, "value", {
    get: () => value,
    set: (next: T) => {
      show(next);
      update();
    }
  });
  show(value);
  line.textContent = summary ? summary(value) : "";
  return form;
}

function makeControl(field: PanelField): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  if (field.kind === "choice") {
    const select = document.createElement("select");
    for (const option of field.options) {
      const element = document.createElement("option");
      element.value = element.textContent = option;
      select.append(element);
    }
    return select;
  }
  if (field.kind === "text") {
    const area = document.createElement("textarea");
    area.rows = 2;
    area.spellcheck = false;
    return area;
  }
  const input = document.createElement("input");
  input.type = "number";
  input.min = String(field.min);
  input.max = String(field.max);
  input.step = "1";
  input.inputMode = "numeric";
  return input;
}
