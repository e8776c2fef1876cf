// Waiting until every cell of a page has settled: each of Framework's loading placeholders (<observablehq-loading>,
// shown from the page's load until its cell first displays or throws) gone, and no cell showing an error.
import type {Page} from "playwright-core";
import {readFileSync} from "node:fs";

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

/**
 * Scrolls through the page a screen at a time, as a reader would (an off-screen block is neither laid out nor painted,
 * content-visibility: auto), then waits until no loading placeholder is left. Returns the cells still loading after
 * timeout ms (none: every cell displayed) and the errors cells show.
 */
export async function settle(page: Page, timeout: number): Promise<{unsettled: Unsettled[]; errors: string[]}> {
  await allowNamedFunctions(page);
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
      scrollTo(0, y);
      await frame();
      await frame();
    }
  });
  await page
    .waitForFunction(() => document.querySelector("observablehq-loading") === null, null, {timeout, polling: 250})
    .catch(() => undefined); // what is still loading is reported below, by cell
  return page.evaluate(() => {
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
