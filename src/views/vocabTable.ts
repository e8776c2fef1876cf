import {visible} from "./tokenStrip.js";
import {count, viewFigure} from "./figure.js";

export interface VocabTableOptions {
  /** How often each token occurs in the text. */
  counts?: readonly number[];
  name?: string;
}

/**
 * The vocabulary as a table of id → token (and its count in the text). Each entry is a small card in a grid that
 * wraps to the width, so a hundred characters stay on screen without a long scroll.
 */
export function vocabTable(vocab: readonly string[], options: VocabTableOptions = {}): HTMLElement {
  const {counts, name} = options;
  const figure = viewFigure("tg-vocab", {title: "vocabulary", shows: count(vocab.length, "token")}, name);
  figure.dataset.size = String(vocab.length);
  const list = document.createElement("ol");
  list.start = 0;
  vocab.forEach((token, id) => {
    const item = document.createElement("li");
    item.dataset.id = String(id);
    item.title = `id ${id}: ${JSON.stringify(token)} (U+${token.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`;
    const glyph = document.createElement("span");
    glyph.className = "tg-glyph";
    glyph.textContent = visible(token);
    const idText = document.createElement("span");
    idText.className = "tg-id";
    idText.textContent = String(id);
    item.append(idText, glyph);
    if (counts) {
      const count = document.createElement("span");
      count.className = "tg-count";
      count.textContent = `×${counts[id]}`;
      item.append(count);
    }
    list.append(item);
  });
  const caption = document.createElement("figcaption");
  caption.textContent = `${vocab.length} token${vocab.length === 1 ? "" : "s"}, ids 0–${vocab.length - 1}`;
  figure.append(list, caption);
  return figure;
}
