export interface PairItem {
  /** A heading above the figure; text between backticks is set as code. */
  title?: string;
  /** Draws the figure at the width it is given: half the pair's. */
  figure: (width: number) => Element;
}

/** The width of each figure of a pair: half the page, never narrower than 240 px (they then stack). */
export const halfWidth = (width: number): number => Math.max(240, Math.floor(width / 2) - 16);

/**
 * Two figures side by side, each half the width (one above the other on a narrow page), to compare: learned and
 * sinusoidal positions, the softmax before and after scaling. An item with a title is a column headed by it; null or
 * false items are left out, so a figure the model does not have simply is not drawn.
 */
export function pair(items: readonly (PairItem | null | false)[], {width}: {width: number}): HTMLElement {
  const root = document.createElement("div");
  root.className = "tg-pair";
  for (const item of items) {
    if (!item) continue;
    const figure = item.figure(halfWidth(width));
    if (item.title === undefined) {
      root.append(figure);
      continue;
    }
    const column = document.createElement("div");
    column.setAttribute("role", "group");
    column.setAttribute("aria-label", item.title.replaceAll("`", ""));
    const heading = document.createElement("div");
    heading.className = "tg-pair-title";
    heading.append(...withCode(item.title));
    column.append(heading, figure);
    root.append(column);
  }
  return root;
}

/** Text with `code` spans: the odd pieces between backticks as <code>, all of it as text, never as HTML. */
function withCode(text: string): Node[] {
  return text.split("`").map((piece, i) => {
    if (i % 2 === 0) return document.createTextNode(piece);
    const code = document.createElement("code");
    code.textContent = piece;
    return code;
  });
}
