import type {Browser, Locator, Page} from "playwright-core";
import assert from "node:assert/strict";
import {after, before} from "node:test";
import {launch} from "../../scripts/browser/chromium.js";
import {openPage, type PageLog} from "../../scripts/browser/page.js";
import {serveSite, type Site} from "../../scripts/browser/serve.js";
import {within} from "./bounded.js";

export {launch} from "../../scripts/browser/chromium.js";
export {badge, openPage, type PageLog} from "../../scripts/browser/page.js";
export {serveSite, type Site} from "../../scripts/browser/serve.js";

/**
 * The backend the site picks itself in the browser that launch({webgpu: true}) starts: its WebGPU adapter is
 * SwiftShader's, software, so WebGPU goes last and wasm is first (src/gpt/backend.ts, SOFTWARE_GPU_ORDER). A test that
 * needs WebGPU asks for it with ?backend=webgpu.
 */
export const SITE_PICK = "wasm";

/**
 * An init script under which the browser's WebGPU adapter describes itself as a GPU's (NVIDIA's, not a fallback),
 * whatever it is: for the real-GPU path of the backend choice on a machine without one. The adapter still computes.
 */
export const FAKE_GPU_ADAPTER = `(() => {
  const request = GPU.prototype.requestAdapter;
  GPU.prototype.requestAdapter = async function (...args) {
    const adapter = await request.apply(this, args);
    const info = {vendor: "nvidia", architecture: "ampere", device: "", description: "", isFallbackAdapter: false};
    if (adapter) Object.defineProperty(adapter, "info", {value: info});
    return adapter;
  };
})();`;

/**
 * An init script under which the page's Date.now() can be moved ahead: window.__skipAhead(ms) adds ms to what it
 * returns from then on (until the page is reloaded), as if that much time had passed. For what the page does once a
 * span of wall-clock time has gone by (chapter 8's timed autosave), without waiting that long.
 */
export const SKIP_AHEAD = `(() => {
  const now = Date.now;
  let ahead = 0;
  Date.now = () => now() + ahead;
  window.__skipAhead = (ms) => void (ahead += ms);
})();`;

/** A test file's site and browser, set by the hooks that siteSession registers; read them inside tests. */
export interface SiteSession {
  readonly site: Site;
  readonly browser: Browser;
  /** openPage on a path of the site (e.g. "08-training?x=1"), allowing only the site's own origin. */
  open(
    path: string,
    options?: {viewport?: {width: number; height: number}; initScript?: string}
  ): Promise<{page: Page; log: PageLog}>;
}

/**
 * Serves dist/ and launches Chromium before the file's tests (node:test's before), closes both after them. Call it
 * at the top level; a hook that needs the page goes in a describe, since Node 20 starts every top-level before hook
 * at once rather than one after the other.
 */
export function siteSession({webgpu}: {webgpu: boolean}): SiteSession {
  let site: Site | undefined;
  let browser: Browser | undefined;
  let starting: Promise<void> | undefined;
  before(async () => {
    starting = (async () => {
      site = await serveSite();
      browser = await launch({webgpu});
    })();
    await starting;
  });
  after(async () => {
    await starting?.catch(() => undefined); // a file that failed early may still be launching: close what it opens
    await browser?.close();
    await site?.close();
  });
  const session: SiteSession = {
    get site() {
      if (!site) throw new Error("siteSession: the site is served only once its before hook has run");
      return site;
    },
    get browser() {
      if (!browser) throw new Error("siteSession: the browser is launched only once its before hook has run");
      return browser;
    },
    open: (path, options) => openPage(session.browser, session.site.url + path, session.site.url, options)
  };
  return session;
}

/** Framework shows a cell's exception in place of its output, not on the console: there must be none. */
export async function assertNoCellErrors(page: Page): Promise<void> {
  const errors = await page.locator(".observablehq--error").allInnerTexts();
  assert.deepEqual(errors, [], "cells that threw");
}

/**
 * The text a reader sees in an element: scrolled to first, as a reader would, since off-screen figures are not
 * rendered (content-visibility: auto) and Chromium's innerText is empty for them until they are.
 */
export async function shownText(locator: Locator): Promise<string> {
  await locator.scrollIntoViewIfNeeded();
  // content-visibility: auto renders what came on screen at the next frame; each wait for one ends after 100 ms
  const rendered = locator.evaluate(async (element) => {
    for (let n = 0; n < 30 && !element.checkVisibility({contentVisibilityAuto: true}); n++) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        requestAnimationFrame(() => (clearTimeout(timer), resolve()));
      });
    }
  });
  await within(30_000, `the frames that render ${locator} once it is scrolled into view`, rendered);
  return locator.innerText();
}

/** A KaTeX formula is laid out with its MathML twin, in KaTeX's own fonts (served by the site, not a CDN). */
export async function assertFormulaRendered(page: Page): Promise<void> {
  const formula = page.locator(".tg-tex .katex-html").first();
  await formula.waitFor({timeout: 60_000});
  const box = await formula.boundingBox();
  assert.ok(box && box.width > 5 && box.height > 5, `formula size ${JSON.stringify(box)}`);
  assert.ok((await page.locator(".tg-tex .katex-mathml math").count()) > 0, "formula has its MathML twin");
  const loaded = page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts]
      .filter((f) => f.family.startsWith("KaTeX") && f.status === "loaded")
      .map((f) => f.family);
  });
  const fonts = await within(60_000, "document.fonts.ready: the page's fonts loading", loaded);
  assert.ok(fonts.includes("KaTeX_Main") && fonts.includes("KaTeX_Math"), `KaTeX fonts loaded: ${fonts.join(", ")}`);
}

/** The page loaded one wasm binary, the threaded SIMD build, requested nothing from another host and logged no error. */
export function assertThreadedWasmAndClean(log: PageLog): void {
  const wasm = log.requests.filter((url) => url.endsWith(".wasm")).map((url) => url.split("/").pop());
  assert.deepEqual(wasm, [wasm[0]], "one wasm binary");
  assert.match(wasm[0] ?? "", /^tfjs-backend-wasm-threaded-simd\.[\w-]+\.wasm$/, "the threaded build");
  assert.deepEqual(log.external, [], "requests to other hosts");
  assert.deepEqual(log.errors, [], "console or page errors");
}
