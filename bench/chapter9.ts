// Chapter 9 in the built site (issue #17, item 2): a control change → the first new token painted, and → all of the
// new tokens painted, against raw cached greedy decoding of as many tokens in the same page, interleaved; with the
// window at the page's top (the text below it: no frame of the stream is presented) and scrolled to the text.
//
// "Painted" is read from the DOM: the end of the frame after the text view ([data-name=text], a new one per run)
// shows its first token (data-generated ≥ 1), and after the status line says the run is done (data-done). The raw
// figure is the page's own decoding loop without a view (window.__tinygpt.rawDecoding: gpt/kvcache.ts's
// timeDecoding on the same model and prompt), run after each edit once the page is idle.
import type {Browser, Page} from "playwright-core";
import {badge, openPage} from "../scripts/browser/page.js";
import type {Site} from "../scripts/browser/serve.js";
import {spread, type Spread} from "./workloads/index.js";

export interface Chapter9Result {
  inView: boolean; // the text scrolled to the middle of the window (as a reader watching it has it), or the page's top
  backend: string;
  threads: number | null;
  model: string;
  tokens: number; // new tokens per run (the page's default for the model)
  edits: number;
  firstMs: Spread; // the seed's input event → the end of the frame after the first new token is shown
  allMs: Spread; // → the end of the frame after the last one is shown
  rawMs: Spread; // raw cached decoding of as many tokens, no view
  ratio: number; // median allMs ÷ median rawMs
}

export const CHAPTER9_GOALS = {
  first: "a control change shows its first token within 150 ms on wasm",
  all: "120 tokens within 1.5× raw cached decoding"
};

/** In the page: a new seed, then the times to the first token and to the last one painted. */
const EDIT = `async (seed) => {
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  }));
  const form = [...document.querySelectorAll("form")].find((f) => f.querySelector(":scope > label")?.textContent === "seed");
  const input = form.querySelector("input[type=number]");
  const old = document.querySelector("[data-name=text]");
  return new Promise((resolve) => {
    let first = null;
    let finished = false;
    const check = () => {
      const text = document.querySelector("[data-name=text]");
      if (!text || text === old) return;
      if (first === null && Number(text.dataset.generated) >= 1) first = painted().then((t) => t - t0);
      const status = text.parentElement.querySelector("[data-name=status]");
      if (first !== null && !finished && status?.dataset.done === "true") {
        finished = true;
        observer.disconnect();
        Promise.all([first, painted()]).then(([f, t]) =>
          resolve({first: f, all: t - t0, tokens: Number(text.dataset.generated)})
        );
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, {subtree: true, childList: true, attributes: true});
    const t0 = performance.now();
    input.value = String(seed);
    input.dispatchEvent(new Event("input", {bubbles: true}));
  });
}`;

async function edit(page: Page, seed: number): Promise<{first: number; all: number; tokens: number}> {
  return (await page.evaluate(`(${EDIT})(${seed})`)) as {first: number; all: number; tokens: number};
}

/**
 * warmup + edits seed changes on /09-generation with the default model, each followed by a raw decoding run; the
 * window at the page's top (the text below it) or, inView, scrolled to the text.
 */
export async function chapter9Latency(
  browser: Browser,
  site: Site,
  {backend = "wasm", edits = 8, warmup = 2, inView = false} = {}
): Promise<Chapter9Result> {
  const {page, log} = await openPage(browser, `${site.url}09-generation?backend=${backend}`, site.url);
  try {
    await page.locator("[data-name=status][data-done=true]").waitFor({timeout: 180_000});
    if (inView) await page.locator("[data-name=text]").evaluate((e) => e.scrollIntoView({block: "center"}));
    const active = (await badge(page)).backend;
    const threads = (await page.locator(".tg-badge").getAttribute("data-threads")) ?? null;
    const model = await page.locator('form:has(> label:text-is("model")) select').evaluate((s: HTMLSelectElement) => {
      return s.selectedOptions[0]?.textContent?.split(" · ")[0] ?? "";
    });
    const [first, all, raw]: number[][] = [[], [], []];
    let tokens = 0;
    for (let i = 0; i < warmup + edits; i++) {
      const r = await edit(page, 2000 + i);
      const rawMs = (await page.evaluate(`window.__tinygpt.rawDecoding(${r.tokens})`)) as number;
      if (i < warmup) continue;
      first.push(r.first);
      all.push(r.all);
      raw.push(rawMs);
      tokens = r.tokens;
    }
    if (log.errors.length) throw new Error(`09-generation: ${log.errors.join("; ")}`);
    const [allMs, rawMs] = [spread(all), spread(raw)];
    return {
      ...{inView, backend: active, threads: threads === null ? null : Number(threads), model, tokens, edits},
      ...{firstMs: spread(first), allMs, rawMs, ratio: allMs.median / rawMs.median}
    };
  } finally {
    await page.context().close();
  }
}

export function formatChapter9(rows: Chapter9Result[], table: (head: string[], rows: string[][]) => string): string[] {
  const f = (x: number) => x.toFixed(0);
  const r = rows[0];
  return [
    `9 · Chapter 9: built site, ${r.model} model, a new seed → ${r.tokens} new tokens streamed; ${r.edits} edits`,
    `    goals: ${CHAPTER9_GOALS.first}; ${CHAPTER9_GOALS.all}`,
    table(
      [
        "text",
        "backend",
        "threads",
        "first token p50",
        "p95",
        `${r.tokens} tokens p50`,
        "p95",
        "raw cached p50",
        "ratio"
      ],
      rows.map((r) => [
        r.inView ? "in view" : "below the window",
        r.backend,
        r.threads === null ? "–" : String(r.threads),
        f(r.firstMs.median),
        f(r.firstMs.p95),
        f(r.allMs.median),
        f(r.allMs.p95),
        f(r.rawMs.median),
        `${r.ratio.toFixed(2)}×`
      ])
    ),
    "    ms from the seed's input event to the end of the frame after the token is shown; raw = the page's own",
    "    cached greedy decoding of as many tokens with no view (gpt/kvcache.ts's timeDecoding), after each edit;",
    "    below the window: the page as it opens (the text ~900 px below the window); in view: scrolled to the text,",
    "    where every frame of the stream is composited and presented (on SwiftShader: CPU work beside the decoding)"
  ];
}
