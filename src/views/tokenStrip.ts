import {count, viewFigure} from "./figure.js";

const SHOWN: Readonly<Record<string, string>> = {" ": "␣", "\n": "↵", "\t": "⇥"};

/** A token as it is shown: each space, line break, tab and control character made visible (a BPE token has many). */
export function visible(token: string): string {
  const control = (c: string) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127;
  const one = (c: string) => SHOWN[c] ?? (control(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c);
  return [...token].map(one).join("");
}

export interface TokenStripOptions {
  /** The id under each token; omitted, only the tokens are shown. */
  ids?: readonly number[];
  /** Positions drawn as "in the context" (the rest dimmed); all when omitted. */
  context?: number;
  /** Positions to mark, e.g. unknown characters. */
  marked?: readonly number[];
  label?: string;
  name?: string;
}

export type TokenStrip = HTMLElement & {
  /** Marks the query position and the key position (a hovered attention cell); null clears. */
  highlight(cell: {i: number; j: number} | null): void;
};

/**
 * A sequence of tokens as a wrapping strip of boxes, each with its position and id. Text goes in as text, never as
 * HTML. Long sequences wrap onto more lines instead of widening the page.
 */
export function tokenStrip(tokens: readonly string[], options: TokenStripOptions = {}): TokenStrip {
  const {ids, context = tokens.length, marked = [], label, name} = options;
  const figure = viewFigure("tg-strip", {title: "tokens", shows: count(tokens.length, "token")}, name) as TokenStrip;
  figure.dataset.tokens = String(tokens.length);
  if (label) {
    const caption = document.createElement("figcaption");
    caption.textContent = label;
    figure.append(caption);
  }
  const list = document.createElement("ol");
  list.start = 0;
  tokens.forEach((token, t) => {
    const item = document.createElement("li");
    item.dataset.position = String(t);
    if (t >= context) item.classList.add("tg-outside");
    if (marked.includes(t)) item.classList.add("tg-marked");
    const glyph = document.createElement("span");
    glyph.className = "tg-glyph";
    glyph.textContent = visible(token);
    item.title = `position ${t}${ids ? `, id ${ids[t]}` : ""}: ${JSON.stringify(token)}`;
    item.append(glyph);
    if (ids) {
      const id = document.createElement("span");
      id.className = "tg-id";
      id.textContent = String(ids[t]);
      item.append(id);
    }
    list.append(item);
  });
  figure.append(list);
  figure.highlight = (cell) => {
    for (const item of list.children) item.classList.remove("tg-query", "tg-key");
    if (!cell) return;
    list.children[cell.j]?.classList.add("tg-key");
    list.children[cell.i]?.classList.add("tg-query");
  };
  return figure;
}
