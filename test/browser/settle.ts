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

/**
 * Scrolls through the page a screen at a time, as a reader would (an off-screen block is neither laid out nor painted,
 * content-visibility: auto), then waits until no loading placeholder is left. Returns the cells still loading after
 * timeout ms (none: every cell displayed), the errors cells show, and the frames drawn during the scroll.
 */
export async function settle(
  page: Page,
  timeout: number
): Promise<{unsettled: Unsettled[]; errors: string[]; frames: Frames}> {
  await allowNamedFunctions(page);
  const frames = await within(
    SCROLL_MS,
    `the scroll through ${page.url()}, a screen at a time`,
    page.evaluate(async (frameMs) => {
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
    }, FRAME_MS)
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await rendering(page)}`);
  });
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
  return {...found, frames};
}

/**
 * What the page says about its rendering, for a failure's message: the frames it drew and the 50 ms timer ticks it ran
 * in one second (a page whose timers tick but that draws no frame is one Chromium stopped drawing; one that does
 * neither is busy), its visibility and focus, and the loading placeholders left.
 */
export async function rendering(page: Page): Promise<string> {
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
      return `in one second the page drew ${frames} frames and ran ${ticks} of 20 timer ticks; visibilityState ${document.visibilityState}, focus ${document.hasFocus()}, ${loading} cells loading`;
    })
  );
  return within(10_000, "the page's answer to a probe of its rendering (its main thread is busy or hung)", state).catch(
    (error: Error) => error.message
  );
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
