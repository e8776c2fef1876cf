// Canvas helpers for the views: the page's ink colour, a canvas sharp on high-density screens, and painting that
// waits until a figure is near the viewport.

// The page's text colour, read once: getComputedStyle forces a style recalculation, costly on every redraw.
let ink: string | null = null;
export function inkColor(): string {
  if (ink) return ink;
  const body = globalThis.document?.body;
  ink = (body && typeof getComputedStyle === "function" ? getComputedStyle(body).color : "") || "#222";
  return ink;
}

/** A w × h canvas (CSS pixels) backed by devicePixelRatio times as many; paintLayer draws on it. */
export function layer(w: number, h: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  sizeLayer(canvas, w, h);
  canvas.style.display = "block";
  return canvas;
}

/** A 2-D drawing context, on the page or off it. */
export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Gives a layer a new size in CSS pixels (clearing it) when it has another. */
function sizeLayer(canvas: HTMLCanvasElement, w: number, h: number): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const [width, height] = [Math.ceil(w * dpr), Math.ceil(h * dpr)];
  if (canvas.width === width && canvas.height === height) return;
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
}

let scratch: OffscreenCanvas | null = null;

/**
 * Draws a layer afresh at w × h CSS pixels: draw() paints on a canvas off the page, copied in at once, since text
 * drawn on a canvas in the page makes the browser lay out the whole page first.
 */
export function paintLayer(canvas: HTMLCanvasElement, w: number, h: number, draw: (ctx: Context2D) => void): void {
  sizeLayer(canvas, w, h);
  const target = canvas.getContext("2d");
  if (!target) return;
  const dpr = globalThis.devicePixelRatio || 1;
  const [width, height] = [canvas.width, canvas.height];
  target.setTransform(1, 0, 0, 1, 0, 0);
  target.clearRect(0, 0, width, height);
  if (typeof OffscreenCanvas !== "function") {
    target.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw(target);
    return;
  }
  if (!scratch || scratch.width < width || scratch.height < height)
    scratch = new OffscreenCanvas(Math.max(width, scratch?.width ?? 0), Math.max(height, scratch?.height ?? 0));
  const ctx = scratch.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  draw(ctx);
  target.drawImage(scratch, 0, 0, width, height, 0, 0, width, height);
}

// Whether each watched figure was near the viewport when the observer last looked, and the paint it is owed.
const near = new WeakMap<Element, boolean>();
const owed = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

function watch(figure: Element): void {
  if (typeof IntersectionObserver !== "function" || near.has(figure)) return;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const {target, isIntersecting} of entries) {
        near.set(target, isIntersecting);
        const paint = owed.get(target);
        if (isIntersecting && paint) {
          owed.delete(target);
          paint();
        }
      }
    },
    {rootMargin: "50% 0px"}
  );
  near.set(figure, true);
  observer.observe(figure);
}

/**
 * Paints a figure now if it is near the viewport (or not yet known to be away from it), else when it comes near: an
 * edit then costs the figures a reader sees. The last paint asked for is the one done.
 */
export function paintWhenSeen(figure: Element, paint: () => void): void {
  watch(figure);
  if (near.get(figure) === false) owed.set(figure, paint);
  else {
    owed.delete(figure);
    paint();
  }
}
