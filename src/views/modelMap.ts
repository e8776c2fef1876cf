import {viewFigure} from "./figure.js";

/** One box of the model map: a part of the model and the chapter that builds it. */
export interface MapBox {
  id: string;
  label: string;
  detail: string;
  /** The chapter's page, or null (this page, or a chapter not written yet). */
  href: string | null;
  chapterTitle: string;
  number: string;
  /** What this page builds or looks at: highlighted. */
  focus: boolean;
  /** Built on this page. */
  here: boolean;
  inBlock?: boolean;
  /** Consecutive parts with the same stack are drawn one above the other (parallel parts, or branches). */
  stack?: string;
}

function box(part: MapBox): HTMLElement {
  const element = document.createElement(part.href ? "a" : "span");
  element.className = "tg-map-part";
  if (part.href) element.setAttribute("href", part.href);
  if (part.here) element.setAttribute("aria-current", "page");
  if (part.focus) element.classList.add("tg-focus");
  element.dataset.part = part.id;
  element.title = `${part.detail} · ${part.chapterTitle}${part.here ? " (this page)" : ""}`;
  const number = document.createElement("sup");
  number.textContent = part.number;
  element.append(part.label, number);
  return element;
}

const item = (...nodes: Node[]) => {
  const li = document.createElement("li");
  li.append(...nodes);
  return li;
};

/**
 * The whole model on one line, in the spirit of llm-viz's overview: the forward pass from the text to the
 * probabilities, the transformer block as one framed group (× nLayer), parallel parts stacked (the two embedding
 * tables; the two things done with the output, the loss and the next token). Each box links to the chapter that builds it (its number beside it); the parts this page
 * builds or looks at are highlighted.
 */
export function modelMap(parts: readonly MapBox[], {name}: {name?: string} = {}): HTMLElement {
  const figure = viewFigure(
    "tg-modelmap",
    {title: "the whole model", shows: parts.map((p) => p.label).join(", ")},
    name
  );
  const nav = document.createElement("nav");
  nav.setAttribute("aria-label", "The whole model, by chapter");
  const line = document.createElement("ol");
  line.className = "tg-map-line";
  const block = document.createElement("ol");
  let stackKey: string | undefined;
  let stack = document.createElement("ol");
  for (const part of parts) {
    if (part.inBlock) {
      if (block.childElementCount === 0) {
        const group = document.createElement("div");
        group.className = "tg-map-block";
        const label = document.createElement("span");
        label.className = "tg-map-block-label";
        label.textContent = "block × nLayer";
        group.append(label, block);
        line.append(item(group));
      }
      block.append(item(box(part)));
    } else if (part.stack) {
      if (stackKey !== part.stack) {
        stackKey = part.stack;
        stack = document.createElement("ol");
        stack.className = "tg-map-stack";
        line.append(item(stack));
      }
      stack.append(item(box(part)));
      continue;
    } else line.append(item(box(part)));
    stackKey = undefined;
  }
  nav.append(line);
  const caption = document.createElement("figcaption");
  caption.textContent =
    "Highlighted: what this chapter builds or looks at. Each part links to the chapter that builds it.";
  figure.append(nav, caption);
  return figure;
}
