import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

export interface TokenPiece {
  /** The stretch of text the piece covers. */
  text: string;
  /** The ids of its tokens: one, or several when a character's bytes are split across tokens. */
  ids: readonly number[];
  /** Which chunk of the pre-split it belongs to (boundaries between chunks are drawn too). */
  chunk: number;
}

export interface TokenTextOptions {
  label?: string;
  name?: string;
}

/**
 * Running text with its token boundaries drawn: each token a box (alternating shades), its id on hover and below,
 * the start of each pre-split chunk marked, and a piece whose tokens split a character drawn dashed. Text goes in as
 * text, never as HTML.
 */
export function tokenText(pieces: readonly TokenPiece[], options: TokenTextOptions = {}): HTMLElement {
  const {label, name} = options;
  const figure = viewFigure("tg-tokentext", {title: "text as tokens", shows: count(pieces.length, "token")}, name);
  figure.dataset.tokens = String(pieces.reduce((n, p) => n + p.ids.length, 0));
  figure.dataset.pieces = String(pieces.length);
  const body = document.createElement("p");
  pieces.forEach((piece, i) => {
    const span = document.createElement("span");
    span.className = `tg-token tg-shade-${i % 2}`;
    if (i > 0 && piece.chunk !== pieces[i - 1].chunk) span.classList.add("tg-chunk-start");
    if (piece.ids.length > 1) span.classList.add("tg-split");
    span.dataset.ids = piece.ids.join(",");
    span.title = `${piece.ids.length > 1 ? "ids" : "id"} ${piece.ids.join(" + ")}: ${JSON.stringify(piece.text)}`;
    const glyph = document.createElement("span");
    glyph.className = "tg-glyph";
    glyph.textContent = visible(piece.text);
    const id = document.createElement("span");
    id.className = "tg-id";
    id.textContent = piece.ids.join("+");
    span.append(glyph, id);
    body.append(span);
  });
  figure.append(body);
  if (label) {
    const caption = document.createElement("figcaption");
    caption.textContent = label;
    figure.append(caption);
  }
  return figure;
}
