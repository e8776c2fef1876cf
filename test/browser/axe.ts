// axe-core in a page: its source from node_modules, injected by Playwright (no CDN), run on the whole document.
import type {Page} from "playwright-core";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {within} from "./bounded.js";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf-8");

export interface Violation {
  id: string;
  impact: string;
  help: string;
  /** Each node's CSS selector and what to fix. */
  nodes: string[];
}

/** axe's violations on the page as it is now, every rule axe runs by default. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({content: AXE});
  const run = page.evaluate(async () => {
    type Result = {
      violations: {id: string; impact: string; help: string; nodes: {target: string[]; failureSummary: string}[]}[];
    };
    const axe = (window as unknown as {axe: {run(context: Document, options: object): Promise<Result>}}).axe;
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`)
    }));
  });
  return within(120_000, `axe-core's run on ${page.url()}`, run);
}

/** One line per violation (and up to three of its nodes), for an assertion's message or a diagnostic. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => [`${v.impact} ${v.id} (${v.nodes.length}): ${v.help}`, ...v.nodes.slice(0, 3).map((n) => `  ${n}`)])
    .flat()
    .join("\n");
}
