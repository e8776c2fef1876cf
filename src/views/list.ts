export interface ListItem {
  text: string;
  /** Set in bold before the text, followed by a colon. */
  lead?: string;
  /** data-id of the item, so a test or a script can find it. */
  id?: string;
  /** Drawn emphasised (class tg-emphasis). */
  marked?: boolean;
}

export interface ListOptions {
  /** Numbered (ol) rather than bulleted (ul). */
  ordered?: boolean;
  className?: string;
  name?: string;
}

/** A list of short texts (a model's tensor names, one note per preset), as text, never as HTML; data-count items. */
export function list(items: readonly ListItem[], options: ListOptions = {}): HTMLElement {
  const root = document.createElement(options.ordered ? "ol" : "ul");
  if (options.className) root.className = options.className;
  if (options.name) root.dataset.name = options.name;
  root.dataset.count = String(items.length);
  for (const item of items) {
    const li = document.createElement("li");
    if (item.id !== undefined) li.dataset.id = item.id;
    if (item.marked) li.className = "tg-emphasis";
    if (item.lead !== undefined) {
      const lead = document.createElement("strong");
      lead.textContent = item.lead;
      li.append(lead, ": ");
    }
    li.append(item.text);
    root.append(li);
  }
  return root;
}
