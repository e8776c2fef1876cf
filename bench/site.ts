// The built site (dist/) in headless Chromium: edit → redraw latency of a chapter, and page load.
//
// "Redrawn" is read from the DOM, not from a hook inside the pages: a MutationObserver on <main> notes the time of
// every change and the end of the next frame (style, layout and paint included); an edit is complete once the page's
// forward pass has run (window.__tinygpt.runs, src/components/page/testHooks.ts, went up) and <main> has then stayed still
// for QUIET_MS. The latency is the end of the first frame painted after the last change, minus the moment the
// control's "input" event was dispatched.
// The quiet wait is not part of the figure, only of the bench's running time.
import type {Browser, Page} from "playwright-core";
import {CHAPTERS} from "../src/chapters.js";
import {badge, openPage} from "../scripts/browser/page.js";
import type {Site} from "../scripts/browser/serve.js";
import {spread, type Spread} from "./workloads/index.js";

const QUIET_MS = 300;

/** tsx compiles named inner functions to __name(fn, "name") calls; functions sent to a page need the helper. */
export const NAME_SHIM = "globalThis.__name ??= (fn) => fn;";

/** Installs the observer; idempotent. Runs in the page (from document start, or later). */
function installWatch(): void {
  type Watch = {last: number; frame: number; first: number | null; badge: number | null; views: Set<string>};
  const w = window as unknown as {__benchWatch?: Watch};
  if (w.__benchWatch) return;
  const watch: Watch = {last: 0, frame: 0, first: null, badge: null, views: new Set()};
  w.__benchWatch = watch;
  const note = (records: MutationRecord[]) => {
    const t = performance.now();
    watch.last = t;
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (!(node instanceof Element)) continue;
        const named = [...(node.matches("[data-name]") ? [node] : []), ...node.querySelectorAll("[data-name]")];
        for (const el of named) watch.views.add((el as HTMLElement).dataset.name ?? "");
        if (named.length && watch.first === null) {
          watch.first = t;
          painted((t) => (watch.first = t));
        }
      }
    }
    if (watch.badge === null && document.querySelector(".tg-badge")) watch.badge = t;
    painted((t) => (watch.frame = t));
  };
  // A message posted from a frame's animation callbacks is handled after that frame's style, layout and paint.
  function painted(then: (t: number) => void): void {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => then(performance.now());
      channel.port2.postMessage(null);
    });
  }
  const start = () => {
    const observer = new MutationObserver(note);
    observer.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  };
  if (document.documentElement) start();
  else document.addEventListener("readystatechange", start, {once: true});
}

interface Hooks {
  runs?: number;
  lastRunMs?: number;
  memory?: {numTensors: number};
}

/**
 * Waits until the page is still for quiet ms, after the forward-pass counter has reached runs and at least views
 * named views have been redrawn since the last edit.
 */
async function settle(page: Page, quiet: number, runs = 0, views = 0, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    ([quiet, runs, views]) => {
      const w = window as unknown as {
        __benchWatch: {last: number; frame: number; views: Set<string>};
        __tinygpt?: Hooks;
      };
      const {last, frame} = w.__benchWatch;
      return (
        (w.__tinygpt?.runs ?? 0) >= runs &&
        w.__benchWatch.views.size >= views &&
        performance.now() - last >= quiet &&
        frame >= last
      );
    },
    [quiet, runs, views] as const,
    {timeout, polling: 50}
  );
}

export interface EditResult {
  chapter: string;
  backend: string; // the backend the page ran on
  asked: string; // what the URL asked for: "" for the site's own pick
  field: string;
  edits: number;
  redrawMs: Spread; // input event → first frame after the last DOM change
  forwardMs: Spread; // runModel alone (forward pass + read-back), from window.__tinygpt.lastRunMs
  views: number; // named views redrawn by a typical edit
  tensorsGrowth: number; // numTensors after the last edit − after the warm-up edits
}

/**
 * p50/p95 of the time from a change of the reader's model (a new seed: same sizes, new weights, so every view that
 * shows the model recomputes) to the chapter fully redrawn, at the default sizes.
 */
export async function editLatency(
  browser: Browser,
  site: Site,
  chapter: string,
  {edits = 30, warmup = 3, backend = "", field = "seed"} = {}
): Promise<EditResult> {
  // The default model (DEFAULT_MODEL), stated in the URL so a reader's saved model cannot change the sizes.
  const query = new URLSearchParams({...(backend ? {backend} : {})});
  const {page, log} = await openPage(browser, `${site.url}${chapter}?${query}`, site.url);
  try {
    await page.evaluate(NAME_SHIM);
    await page.evaluate(installWatch);
    await page.locator("form.tg-model").waitFor({timeout: 120_000});
    await settle(page, 1000, 1);
    const active = (await badge(page)).backend;
    const redraw: number[] = [];
    const forward: number[] = [];
    const viewCounts: number[] = [];
    let tensorsAfterWarmup = 0;
    let expectViews = 0;
    for (let i = 0; i < warmup + edits; i++) {
      const result = await page.evaluate(
        async ([field, value]) => {
          const w = window as unknown as {
            __benchWatch: {last: number; frame: number; views: Set<string>};
            __tinygpt: Hooks;
          };
          const watch = w.__benchWatch;
          const input = document.querySelector(`form.tg-model [name="${field}"]`) as HTMLInputElement;
          const runs = w.__tinygpt.runs ?? 0;
          watch.views.clear();
          const t0 = performance.now();
          input.value = value;
          input.dispatchEvent(new Event("input", {bubbles: true}));
          return {t0, runs};
        },
        [field, String(1000 + i)] as const
      );
      // Warm-up edits wait longer and learn how many views an edit redraws; measured edits wait for that many.
      await settle(page, i < warmup ? 1500 : QUIET_MS, result.runs + 1, i < warmup ? 0 : expectViews);
      const done = await page.evaluate(() => {
        const w = window as unknown as {__benchWatch: {frame: number; views: Set<string>}; __tinygpt: Hooks};
        return {
          frame: w.__benchWatch.frame,
          views: w.__benchWatch.views.size,
          lastRunMs: w.__tinygpt.lastRunMs ?? NaN,
          tensors: w.__tinygpt.memory?.numTensors ?? NaN
        };
      });
      if (i === warmup - 1) tensorsAfterWarmup = done.tensors;
      if (i < warmup) {
        expectViews = Math.max(expectViews, done.views);
        continue;
      }
      redraw.push(done.frame - result.t0);
      forward.push(done.lastRunMs);
      viewCounts.push(done.views);
      if (i === warmup + edits - 1) tensorsAfterWarmup = done.tensors - tensorsAfterWarmup;
    }
    if (log.errors.length) throw new Error(`${chapter}: ${log.errors.join("; ")}`);
    return {
      chapter,
      backend: active,
      asked: backend,
      field,
      edits,
      redrawMs: spread(redraw),
      forwardMs: spread(forward),
      views: spread(viewCounts).median,
      tensorsGrowth: tensorsAfterWarmup
    };
  } finally {
    await page.context().close();
  }
}

export interface LoadResult {
  page: string;
  backend: string;
  badgeMs: number | null; // navigation start → the backend badge in the header (TF.js ready)
  firstViewMs: number | null; // → the first named view attached, and a frame after it
  settledMs: number | null; // → the last DOM change of the initial render
  jsBytes: number; // JavaScript received (every module the page imported)
  totalBytes: number; // everything received (html, js, css, fonts, wasm, data)
  requests: number;
}

/** A cold load (fresh context, empty cache) of each page: times from navigation start, and bytes received. */
export async function pageLoad(browser: Browser, site: Site, path: string): Promise<LoadResult> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(NAME_SHIM);
  await page.addInitScript(installWatch);
  let jsBytes = 0;
  let totalBytes = 0;
  let requests = 0;
  const pending: Promise<void>[] = [];
  page.on("response", (response) =>
    pending.push(
      response
        .body()
        .then((body) => {
          requests++;
          totalBytes += body.length;
          if (/javascript/.test(response.headers()["content-type"] ?? "")) jsBytes += body.length;
        })
        .catch(() => undefined)
    )
  );
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(site.url + path, {waitUntil: "load"});
    await page
      .locator(".tg-badge")
      .waitFor({timeout: 120_000})
      .catch(() => undefined);
    const hasViews = await page
      .locator("[data-name]")
      .first()
      .waitFor({timeout: path ? 120_000 : 5_000})
      .then(() => true)
      .catch(() => false);
    await settle(page, 600, 0);
    await Promise.all(pending);
    const times = await page.evaluate(() => {
      const w = window as unknown as {__benchWatch: {first: number | null; frame: number; badge: number | null}};
      return w.__benchWatch;
    });
    if (errors.length) throw new Error(`${path || "index"}: ${errors.join("; ")}`);
    const backend = await page
      .locator(".tg-badge")
      .evaluate((n: HTMLElement) => n.dataset.backend ?? "")
      .catch(() => "");
    return {
      page: path || "index",
      backend,
      badgeMs: times.badge,
      firstViewMs: hasViews ? times.first : null,
      settledMs: times.frame,
      jsBytes,
      totalBytes,
      requests
    };
  } finally {
    await context.close();
  }
}

/** Every ready chapter and the home page. */
export const PAGES: readonly string[] = ["", ...CHAPTERS.filter((c) => c.ready).map((c) => c.path)];
