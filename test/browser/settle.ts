// Waiting until every cell of a page has settled: each of Framework's loading placeholders (<observablehq-loading>,
// shown from the page's load until its cell first displays or throws) gone, and no cell showing an error.
import type {Page} from "playwright-core";
import {readFileSync} from "node:fs";
import {within} from "./bounded.js";

/** A cell that had not settled: its id and the heading above it (describeUnsettled adds its code). */
export interface Unsettled {
  cell: string;
  heading: string;
}

/** The first line of each cell's code in the built page, by cell id (Framework writes `define({id: "…", … body`). */
export function cellCode(path: string): Map<string, string> {
  const html = readFileSync(`dist/${path || "index"}.html`, "utf-8");
  const code = new Map<string, string>();
  for (const match of html.matchAll(/define\(\{id: "(\w+)".*\n(?:display\(await\(\n)?(.*)/g))
    code.set(match[1], match[2].trim().slice(0, 100));
  return code;
}

/** How long the scroll waits for a frame before it goes on by a timer (Chromium may draw no frame for a page). */
const FRAME_MS = 250;
/** How long the scroll through a page may take in all, a busy page's long tasks included. */
const SCROLL_MS = 120_000;

/** The frames the scroll waited for (two a screen) and how many of them were drawn within FRAME_MS. */
export interface Frames {
  asked: number;
  drawn: number;
}

/** Scrolls through the page a screen at a time, waiting for two frames a screen (or FRAME_MS each). */
function scrollThrough(page: Page): Promise<Frames> {
  const scroll = page.evaluate(async (frameMs) => {
    // a frame, or frameMs without one: a wait in the page that cannot outlast it
    const frame = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), frameMs);
        requestAnimationFrame(() => (clearTimeout(timer), resolve(true)));
      });
    const counted = {asked: 0, drawn: 0};
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
      scrollTo(0, y);
      for (let i = 0; i < 2; i++, counted.asked++) if (await frame()) counted.drawn++;
    }
    return counted;
  }, FRAME_MS);
  return within(SCROLL_MS, `the scroll through ${page.url()}, a screen at a time`, scroll).catch(
    async (error: Error) => {
      throw new Error(`${error.message}\n${await rendering(page)}`);
    }
  );
}

/**
 * Scrolls through the page a screen at a time, as a reader would (an off-screen block is neither laid out nor painted,
 * content-visibility: auto), then waits until no loading placeholder is left. Returns the cells still loading after
 * timeout ms (none: every cell displayed), the errors cells show, the frames drawn during the scroll, and, where
 * Chromium had stopped drawing the page (its timers ran, no frame came: Framework's runtime computes cells on frames,
 * so none would settle), what was found and what the page did once resized as a reader would to redraw it.
 */
export async function settle(
  page: Page,
  timeout: number
): Promise<{unsettled: Unsettled[]; errors: string[]; frames: Frames; redrawn: string | null}> {
  await allowNamedFunctions(page);
  let frames = await scrollThrough(page);
  let redrawn: string | null = null;
  if (frames.drawn < frames.asked) {
    const found = await probeRendering(page);
    if (typeof found !== "string" && found.frames === 0 && found.ticks >= 10) {
      await page.bringToFront();
      const size = page.viewportSize() ?? {width: 1280, height: 720};
      await page.setViewportSize({...size, height: size.height + 1});
      await page.setViewportSize(size);
      const after = await probeRendering(page);
      redrawn = `Chromium had stopped drawing the page (${describeRendering(found)}); resized: ${describeRendering(after)}`;
      frames = await scrollThrough(page);
    }
  }
  await page
    .waitForFunction(() => document.querySelector("observablehq-loading") === null, null, {timeout, polling: 250})
    .catch(() => undefined); // what is still loading is reported below, by cell
  const report = page.evaluate(() => {
    const headingBefore = (node: Node) => {
      const headings = [...document.querySelectorAll("main h1, main h2, main h3")];
      const before = headings.filter((h) => h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
      return before.at(-1)?.textContent?.trim() ?? "(top of the page)";
    };
    const cellOf = (node: Node) => {
      for (let next = node.nextSibling; next; next = next.nextSibling)
        if (next.nodeType === Node.COMMENT_NODE) return /^:(\w+):$/.exec(next.nodeValue ?? "")?.[1] ?? "?";
      return "?";
    };
    return {
      unsettled: [...document.querySelectorAll("observablehq-loading")].map((node) => ({
        cell: cellOf(node),
        heading: headingBefore(node)
      })),
      errors: [...document.querySelectorAll(".observablehq--error")].map(
        (node) => `under “${headingBefore(node)}”: ${node.textContent}`
      )
    };
  });
  const found = await within(30_000, "the page's list of the cells still loading", report);
  return {...found, frames, redrawn};
}

/** What the page did in one second: frames drawn, 50 ms timer ticks run (of 20); its visibility, focus, cells loading. */
export interface Rendering {
  frames: number;
  ticks: number;
  visibility: string;
  focus: boolean;
  loading: number;
}

/**
 * Watches the page's rendering for one second. A page whose timers tick but that draws no frame is one Chromium
 * stopped drawing; one that does neither is busy. A page that does not answer within 10 s gives the reason instead.
 */
export async function probeRendering(page: Page): Promise<Rendering | string> {
  const state = allowNamedFunctions(page).then(() =>
    page.evaluate(async () => {
      let [frames, ticks] = [0, 0];
      const start = performance.now();
      requestAnimationFrame(function count() {
        frames++;
        if (performance.now() - start < 1000) requestAnimationFrame(count);
      });
      const timer = setInterval(() => ticks++, 50);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      clearInterval(timer);
      const loading = document.querySelectorAll("observablehq-loading").length;
      return {frames, ticks, visibility: document.visibilityState, focus: document.hasFocus(), loading};
    })
  );
  return within(10_000, "the page's answer to a probe of its rendering (its main thread is busy or hung)", state).catch(
    (error: Error) => error.message
  );
}

/** A probe's finding in words, for a message. */
export function describeRendering(r: Rendering | string): string {
  if (typeof r === "string") return r;
  return `in one second the page drew ${r.frames} frames and ran ${r.ticks} of 20 timer ticks; visibilityState ${r.visibility}, focus ${r.focus}, ${r.loading} cells loading`;
}

/** What the page's rendering is now, in words. */
export async function rendering(page: Page): Promise<string> {
  return describeRendering(await probeRendering(page));
}

/**
 * tsx compiles a test's functions with esbuild's keepNames, which wraps each named inner function in __name(…): a
 * function that page.evaluate sends to the page and that names its helpers needs __name there too.
 */
export function allowNamedFunctions(page: Page): Promise<void> {
  return page.evaluate("globalThis.__name ??= (f) => f");
}

/** One line per unsettled cell, for an assertion's message. */
export function describeUnsettled(unsettled: readonly Unsettled[], code: Map<string, string>): string {
  return unsettled.map((u) => `cell ${u.cell} under “${u.heading}”: ${code.get(u.cell) ?? "?"}`).join("\n");
}
