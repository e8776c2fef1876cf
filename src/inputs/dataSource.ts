/** The data to train on: one of the named choices, or a text the reader gives (file, paste or URL). */
export interface Source<C extends string = string> {
  choice: C;
  text: string | null;
  origin: string | null; // "pasted text", a file name or a URL
}

export interface DataSourceOptions<C extends string> {
  choices: readonly C[];
  /** The choice that takes the reader's own text. */
  own: C;
  value: C;
  /** Why a text is refused, or null. */
  check: (text: string) => string | null;
  /** A file's bytes as text, throwing an Error that says why they are not (binary, too large…). */
  readText: (bytes: Uint8Array, name: string) => string;
  /** Fetches a URL's text, throwing an Error that says what went wrong; without it, no URL field. */
  fetchText?: (url: string, signal: AbortSignal) => Promise<string>;
  /** A URL offered with one click (never fetched until the reader asks). */
  suggestion?: {label: string; url: string};
}

export type DataSourceInput<C extends string = string> = HTMLFormElement & {value: Source<C>};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {}
): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/**
 * Radio buttons over the choices; the reader's own text opens a file picker, a paste box and a URL field. Follows
 * view(): `.value` changes, with a bubbling "input" event, only once a choice is usable — a text that fails the check
 * or a URL that cannot be fetched is refused in place with the reason, and the value stays what it was.
 */
export function dataSource<C extends string>(options: DataSourceOptions<C>): DataSourceInput<C> {
  const {choices, own, check, readText, fetchText, suggestion} = options;
  let value: Source<C> = {choice: options.value, text: null, origin: null};
  const form = el("form", {className: "tg-data-source"}) as DataSourceInput<C>;
  form.addEventListener("submit", (event) => event.preventDefault());
  const radios = el("div", {className: "tg-data-choices"});
  radios.setAttribute("role", "radiogroup");
  radios.append(el("span", {className: "tg-data-label", textContent: "train on"}));
  for (const choice of choices) {
    const input = el("input", {type: "radio", name: "choice", value: choice, checked: choice === value.choice});
    const label = el("label");
    label.append(input, ` ${choice}`);
    radios.append(label);
  }
  const panel = el("fieldset", {className: "tg-own-text", hidden: value.choice !== own});
  const file = el("input", {type: "file", accept: ".txt,text/plain", name: "file"});
  const paste = el("textarea", {rows: 4, name: "paste", placeholder: "paste at least 1,000 characters of text"});
  const usePaste = el("button", {type: "button", textContent: "Use the pasted text"});
  const url = el("input", {type: "url", name: "url", placeholder: "https://…/some-text.txt", size: 48});
  const fetchButton = el("button", {type: "button", textContent: "Fetch"});
  const status = el("p", {className: "tg-note"});
  status.setAttribute("role", "status");
  const row = (caption: string, ...nodes: Node[]) => {
    const line = el("div", {className: "tg-own-row"});
    line.append(el("span", {textContent: caption}), ...nodes);
    return line;
  };
  const urlRow = row("a URL", url, fetchButton);
  if (suggestion) {
    const offer = el("button", {type: "button", className: "tg-link", textContent: suggestion.label});
    offer.addEventListener("click", () => (url.value = suggestion.url));
    urlRow.append(el("span", {textContent: " e.g. "}), offer);
  }
  panel.append(
    el("legend", {textContent: "your text"}),
    row("a file", file),
    row("or paste", paste, usePaste),
    ...(fetchText ? [urlRow] : []),
    status
  );
  form.append(radios, panel);

  const say = (text: string, refused = false) => {
    status.textContent = text;
    status.className = refused ? "tg-refused" : "tg-note";
  };
  const accept = (next: Source<C>) => {
    value = next;
    form.dispatchEvent(new Event("input", {bubbles: true}));
  };
  const offer = (text: string, origin: string) => {
    const problem = check(text);
    if (problem) return say(`Not used: ${origin}: ${problem}. Training data stays ${describe(value)}.`, true);
    say(`Using ${text.length.toLocaleString("en-US")} characters from ${origin}.`);
    accept({choice: own, text, origin});
  };
  let pending: AbortController | null = null;
  radios.addEventListener("change", (event) => {
    event.stopPropagation();
    const choice = (event.target as HTMLInputElement).value as C; // one of the radios made from choices
    panel.hidden = choice !== own;
    if (choice !== own) accept({choice, text: null, origin: null});
    else if (value.choice !== own) say(`Give a text: the model trains on ${describe(value)} until you do.`);
  });
  for (const control of [file, paste, url]) control.addEventListener("input", (event) => event.stopPropagation());
  file.addEventListener("change", async (event) => {
    event.stopPropagation();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      offer(readText(new Uint8Array(await chosen.arrayBuffer()), chosen.name), chosen.name);
    } catch (error) {
      say(`Not used: ${(error as Error).message}.`, true);
    }
  });
  usePaste.addEventListener("click", () => offer(paste.value, "the pasted text"));
  fetchButton.addEventListener("click", async () => {
    pending?.abort();
    const controller = (pending = new AbortController());
    say(`Fetching ${url.value}…`);
    try {
      const text = await fetchText!(url.value, controller.signal);
      if (pending === controller) offer(text, url.value);
    } catch (error) {
      if (pending === controller) say(`Not used: ${url.value}: ${(error as Error).message}.`, true);
    }
  });
  Object.defineProperty(form, "value", {get: () => value});
  return form;
}

const describe = (source: Source) => (source.text === null ? source.choice : (source.origin ?? "your text"));
