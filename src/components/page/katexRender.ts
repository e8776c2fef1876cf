import katex from "katex";

const rendered = new Map<string, Element>(); // a redraw re-renders mostly the same formulas: clone those instead
const REMEMBERED = 400;

/** KaTeX's rendering of source (HTML for the look plus MathML for screen readers), in a span or, displayed, a div. */
export function renderTex(source: string, displayMode: boolean): Element {
  const key = (displayMode ? "block:" : "inline:") + source;
  const known = rendered.get(key);
  if (known) return known.cloneNode(true) as Element;
  const holder = document.createElement(displayMode ? "div" : "span");
  holder.className = displayMode ? "tg-tex tg-tex-block" : "tg-tex";
  katex.render(source, holder, {displayMode, output: "htmlAndMathml", throwOnError: false, strict: "ignore"});
  if (rendered.size >= REMEMBERED) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, holder.cloneNode(true) as Element);
  return holder;
}
