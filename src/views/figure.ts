// The figure element every view returns, with its text alternative.

/** A figure in words: what it is of, and what it shows. */
export interface FigureText {
  /** Its title: the quantity's label, the chart's title, the table's caption. */
  title: string;
  /** What it shows, as a screen reader should say it: its size and the range of its numbers, say. */
  shows: string;
}

/** "title: what it shows", the figure's accessible name. */
export const figureName = ({title, shows}: FigureText): string => (title ? `${title}: ${shows}` : shows);

/**
 * A view's <figure>: its class, its data-name (for tests and scripts) and its text alternative as its accessible name
 * (aria-label), since a canvas or an SVG says nothing of what it draws. Every view makes its figure here.
 */
export function viewFigure(className: string, text: FigureText, name?: string): HTMLElement {
  const figure = document.createElement("figure");
  figure.className = className;
  if (name) figure.dataset.name = name;
  figure.setAttribute("aria-label", figureName(text));
  return figure;
}

/** A number as a sentence gives it: three significant digits, no trailing zeros, a true minus sign. */
export const spoken = (value: number): string => String(+value.toPrecision(3)).replace("-", "−");

/** "from a to b" over the finite values (−∞ from the mask is left out); "no finite values" when there are none. */
export function spokenRange(values: Iterable<number>): string {
  let [low, high] = [Infinity, -Infinity];
  for (const v of values) if (Number.isFinite(v)) [low, high] = [Math.min(low, v), Math.max(high, v)];
  return low > high
    ? "no finite values"
    : low === high
      ? `all ${spoken(low)}`
      : `from ${spoken(low)} to ${spoken(high)}`;
}

/** "1 token", "3 tokens". */
export const count = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;
