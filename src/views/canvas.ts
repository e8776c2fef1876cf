// Canvas helpers for the views: the page's ink colour and a canvas sharp on high-density screens.

// The page's text colour, read once: getComputedStyle forces a style recalculation, costly on every redraw.
let ink: string | null = null;
export function inkColor(): string {
  if (ink) return ink;
  const body = globalThis.document?.body;
  ink = (body && typeof getComputedStyle === "function" ? getComputedStyle(body).color : "") || "#222";
  return ink;
}

/** A w × h canvas (CSS pixels) backed by devicePixelRatio times as many, its context scaled to CSS pixels. */
export function layer(w: number, h: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.ceil(w * dpr);
  canvas.height = Math.ceil(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  canvas.style.display = "block";
  canvas.getContext("2d")?.scale(dpr, dpr);
  return canvas;
}
