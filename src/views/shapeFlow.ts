import {viewFigure} from "./figure.js";

export interface FlowStep {
  /** What the tensor is, e.g. "idx" or "tokEmb". */
  label: string;
  /** Its shape in letters, e.g. "B, T, C". */
  dims: string;
  /** The same shape in numbers, e.g. [1, 16, 32]. */
  shape: readonly number[];
  /** The operation that leads to the next step, written on the arrow. */
  op?: string;
}

/**
 * A tensor-shape flow diagram, "(B, T) → (B, T, C) → …": boxes with symbolic and numeric shapes, wrapping to the width.
 * Each box keeps the operation that leads on from it at its right, so a row never begins with an operation.
 */
export function shapeFlow(steps: readonly FlowStep[], {name}: {name?: string} = {}): HTMLElement {
  const shows = steps
    .map((s) => `${s.label} (${s.dims}) = (${s.shape.join(", ")})${s.op ? `, ${s.op}` : ""}`)
    .join(", ");
  const figure = viewFigure("tg-flow", {title: "shapes", shows}, name);
  const list = document.createElement("ol");
  steps.forEach((step, i) => {
    const item = document.createElement("li");
    item.dataset.shape = step.shape.join(",");
    const box = document.createElement("div");
    box.className = "tg-flow-box";
    const label = document.createElement("span");
    label.className = "tg-flow-label";
    label.textContent = step.label;
    const dims = document.createElement("code");
    dims.textContent = `(${step.dims})`;
    const shape = document.createElement("span");
    shape.className = "tg-flow-shape";
    shape.textContent = `(${step.shape.join(", ")})`;
    box.append(label, dims, shape);
    item.append(box);
    if (i < steps.length - 1) {
      const arrow = document.createElement("span");
      arrow.className = "tg-flow-arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = step.op ? `${step.op} →` : "→";
      item.append(arrow);
    }
    list.append(item);
  });
  figure.append(list);
  return figure;
}
