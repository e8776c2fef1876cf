// Every page (the home page and every ready chapter of src/chapters.ts) on the backends a reader without a GPU gets,
// one visit per page and backend. On wasm: every cell settles (no loading placeholder left, no cell error) once the
// page has been scrolled through; axe-core then finds no serious or critical violation in the light colour scheme nor
// in the dark one; the Tab key reaches every control, each with a visible focus ring, and the arrow keys read a
// heatmap's cells; every figure has a text alternative; the formulas render, wasm runs its threaded build with a
// thread per core, and nothing is requested from another host. On cpu: every cell settles, and a chapter's map of
// the model lights the chapter's parts and links the others to their chapters; a chapter with the model panel is
// opened with markup as the URL's sample text and as an unknown URL key, which it shows as text and never runs.
import {describe, test, type TestContext} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {CHAPTERS} from "../../src/chapters.js";
import {axeViolations, describeViolations} from "./axe.js";
import {assertFormulaRendered, assertThreadedWasmAndClean, badge, type PageLog, siteSession} from "./harness.js";
import {tabThrough} from "./keyboard.js";
import {assertUrlMarkupShownAsText, MARKUP_QUERY} from "./markup.js";
import {assertModelMap} from "./modelMap.js";
import {cellCode, describeUnsettled, rendering, settle} from "./settle.js";

const PAGES = ["", ...CHAPTERS.filter((c) => c.ready).map((c) => c.path)];
/** Chapters whose pages carry the reader's model panel (markup in chapters 8 and 9: hygiene.test.ts). */
const PANEL = new Set(CHAPTERS.filter((c) => c.ready && Number(c.path.slice(0, 2)) <= 7).map((c) => c.path));
/** How long a page's cells may take to settle after the scroll, on a shared 2-core machine. */
const SETTLE_MS = 180_000;

const session = siteSession({webgpu: false});

// a visit that waits too long fails (settle says what was still loading well before this) instead of holding up the
// suite
const LIMIT = {timeout: 360_000};

/**
 * Opens the page on the backend (closed again once the test ends, passed or failed) and waits until every cell has
 * settled; fails naming the cells that did not, and saying whether the page was drawing frames.
 */
async function settled(t: TestContext, path: string, backend: string, query = ""): Promise<{page: Page; log: PageLog}> {
  const opened = await session.open(`${path}?backend=${backend}${query && `&${query}`}`);
  t.after(() => opened.page.context().close());
  assert.equal((await badge(opened.page)).backend, backend);
  const {unsettled, errors, frames, redrawn} = await settle(opened.page, SETTLE_MS);
  if (redrawn) t.diagnostic(redrawn);
  const loading = describeUnsettled(unsettled, cellCode(path));
  assert.equal(
    loading,
    "",
    `/${path} on ${backend}: cells still loading after ${SETTLE_MS / 1000} s (the scroll through the page drew ${frames.drawn} of the ${frames.asked} frames it waited for; ${loading ? await rendering(opened.page) : ""})`
  );
  assert.deepEqual(errors, [], `/${path} on ${backend}: cells that threw`);
  return opened;
}

/** axe's serious and critical violations must be none; the lesser ones are reported as a diagnostic. */
async function assertAxe(page: Page, scheme: string, diagnostic: (message: string) => void): Promise<void> {
  const violations = await axeViolations(page);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const lesser = violations.filter((v) => !serious.includes(v));
  if (lesser.length > 0) diagnostic(`axe in the ${scheme} scheme, moderate and minor:\n${describeViolations(lesser)}`);
  assert.equal(describeViolations(serious), "", `axe in the ${scheme} scheme`);
}

for (const path of PAGES) {
  describe(`/${path}`, () => {
    test(
      "on wasm every cell settles; axe finds nothing serious in light or dark; Tab reaches every control",
      LIMIT,
      async (t) => {
        const {page, log} = await settled(t, path, "wasm");
        await assertAxe(page, "light", (m) => t.diagnostic(m));
        await page.emulateMedia({colorScheme: "dark"});
        await assertAxe(page, "dark", (m) => t.diagnostic(m));
        await page.emulateMedia({colorScheme: "light"});

        const walk = await tabThrough(page);
        assert.deepEqual(walk.missed, [], "controls the Tab key never reached");
        assert.deepEqual(walk.ringless, [], "controls focused without a visible ring");
        t.diagnostic(`Tab reached ${walk.reached} controls`);
        const maps = page.locator("figure.tg-heatmap > .tg-scroll[tabindex='0']:visible");
        if ((await maps.count()) > 0) {
          await maps.first().focus();
          await page.keyboard.press("ArrowRight");
          const readout = await maps
            .first()
            .evaluate((map) => map.parentElement!.querySelector("figcaption")!.textContent);
          assert.match(readout ?? "", /^\[.*\] .* = /, "the arrow keys read a heatmap's cells");
        }

        const unnamed = await page.locator("main figure").evaluateAll((figures) =>
          figures
            .filter((f) => !f.closest("[aria-hidden=true]")) // a chart's own figure inside ours (Plot's)
            .filter((f) => !f.getAttribute("aria-label")?.trim() && !f.querySelector("figcaption")?.textContent?.trim())
            .map((f) => f.outerHTML.slice(0, 80))
        );
        assert.deepEqual(unnamed, [], "figures without a text alternative");

        await assertFormulaRendered(page);
        const cores = await page.evaluate(() => (crossOriginIsolated ? Math.min(8, navigator.hardwareConcurrency) : 0));
        assert.ok(cores > 0, "npm start's headers (COOP/COEP) make the page cross-origin isolated");
        assert.equal((await badge(page)).threads, String(cores), "a wasm thread per core");
        assertThreadedWasmAndClean(log);
      }
    );

    const markup = PANEL.has(path);
    const map = path ? "; the model map lights this chapter's parts and links the others to their chapters" : "";
    const name = markup
      ? `on cpu, with markup as the URL's text and an unknown URL key, every cell settles${map}; the markup is shown as text and runs nothing`
      : `on cpu every cell settles${map}`;
    test(name, LIMIT, async (t) => {
      const {page, log} = await settled(t, path, "cpu", markup ? MARKUP_QUERY : "");
      if (path) await assertModelMap(page, path);
      if (markup) await assertUrlMarkupShownAsText(page, log);
      assert.deepEqual(log.errors, [], "console or page errors");
    });
  });
}
