// Chapter 9 through the built site on its own pick (SITE_PICK), with the shipped addition model: it answers sums
// correctly, greedy text is the same with and without the KV cache, the sampling controls change what can be
// drawn, a prompt the model cannot read is refused in place, and its attention maps are drawn; its sum card and
// attention grids ("Adding, inside out") are drawn on cpu, webgl and webgpu too. Then on wasm with the
// shipped Shakespeare model: tokens stream in, the token slider follows them (and only the newest run's), a new run
// keeps the page below its text where it was, attention can be read over the text
// the model wrote (a token picked with the slider, a click or the keyboard), beam search lists every beam best first,
// and the figures say what they show (↵ for a line break, token labels on every head, a model select wide enough for
// its entries).
import {before, describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import type {GenSettings} from "../../src/components/generation/generation.js";
import {badge, SITE_PICK, type PageLog, shownText, siteSession} from "./harness.js";
import {readHook, waitForHook} from "./hooks.js";

const session = siteSession({webgpu: true}); // closing its browser closes the page too
let page: Page;
let log: PageLog;
const hook = () => readHook(page, "generation");
let seen = 0;

/** Waits for a generation with these settings to finish after the last one seen, and returns its text. */
async function done(settings: Partial<GenSettings> = {}): Promise<string> {
  const {runs, text} = await waitForHook(
    page,
    "generation",
    (g, {seen, settings}) =>
      g.runs > seen && Object.entries(settings).every(([k, v]) => g.settings[k as keyof typeof settings] === v),
    {seen, settings},
    300_000
  );
  seen = runs;
  await page.locator("[data-name=status][data-done=true]").waitFor();
  return text;
}

/** Types value into the number box of the control labelled label (on the page `on`), as a reader would. */
async function setNumber(label: string, value: number | string, on: Page = page): Promise<void> {
  const input = on.locator(`form:has(> label:text-is("${label}")) input[type=number]`);
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

/** The next-token table's kept count once it satisfies check (the table follows the run a frame after its token). */
async function keptWhen(check: string): Promise<number> {
  const handle = await page.waitForFunction(
    `(() => { const t = document.querySelector("[data-name=next]"); const kept = Number(t?.dataset.kept);
      return t && (${check}) ? kept : false; })()`,
    null,
    {timeout: 60_000}
  );
  return (await handle.jsonValue()) as number;
}

describe("chapter 9 · generation", () => {
  // In the suite, not at the top level: there Node 20 starts it beside siteSession's hook, not after it.
  before(async () => {
    ({page, log} = await session.open("09-generation"));
    assert.equal((await badge(page)).backend, SITE_PICK);
    const select = page.locator('form:has(> label:text-is("model")) select');
    await select.locator("option").first().waitFor({state: "attached", timeout: 120_000});
    const labels = await select.locator("option").allInnerTexts();
    const index = labels.findIndex((l) => l.startsWith("addition"));
    assert.ok(index >= 0, `the shipped addition model is offered: ${labels.join(" | ")}`);
    await select.selectOption({index});
    await done({maxNewTokens: 4, method: "greedy"});
  });

  test("the shipped addition model answers sums correctly", async () => {
    for (const [a, b] of [
      [375, 648],
      [999, 1],
      [123, 45],
      [0, 0]
    ]) {
      await setNumber("a", a);
      await setNumber("b", b);
      const card = page.locator(`[data-name=sum][data-a="${a}"][data-b="${b}"]`);
      await card.waitFor({timeout: 120_000});
      assert.equal(await card.getAttribute("data-truth"), String(a + b));
      assert.equal(await card.getAttribute("data-answer"), String(a + b), `${a} + ${b}`);
      assert.equal(await card.getAttribute("data-right"), "true");
    }
    await page.locator("[data-name=sumLayers] canvas").first().waitFor();
    assert.equal(await page.locator("[data-name=sumHeads] .tg-multiple").count(), 4, "one map per head");
    assert.deepEqual(log.errors, []);
  });

  test("greedy generation gives the same text with and without the KV cache, and the timing says so", async () => {
    const cached = (await hook())!.text;
    assert.equal(cached, "9750", "123 + 456 = 579, written backwards and padded");
    await page.locator('form:has(> label:text-is("KV cache")) input[type=checkbox]').uncheck();
    assert.equal(await done({kvCache: false}), cached);
    await page.locator('form:has(> label:text-is("KV cache")) input[type=checkbox]').check();
    await done({kvCache: true});
    await page.locator("[data-name=race] button").click();
    const race = page.locator("[data-name=race][data-state=done] .tg-race");
    await race.waitFor({timeout: 300_000});
    assert.equal(await race.getAttribute("data-same"), "true");
    assert.match(await shownText(race), /The same \d+ tokens/);
    assert.deepEqual(log.errors, []);
  });

  test("the sampling controls change which tokens can be drawn", async () => {
    assert.equal(await keptWhen("kept === 1"), 1, "greedy keeps one token");
    await page.locator('form:has(> label:text-is("method")) label:text-is("sample") input').check();
    await setNumber("temperature τ", 2);
    await done({method: "sample", temperature: 2});
    const all = await keptWhen("kept > 3");
    assert.ok(all > 3, `at τ = 2 sampling keeps ${all} tokens`);
    await setNumber("top-k (0: off)", 3);
    await done({topK: 3});
    assert.equal(await keptWhen("kept === 3"), 3);
    const marks = await page.locator("[data-name=next] tbody tr td:nth-child(4)").allInnerTexts();
    assert.deepEqual(marks.slice(0, 4), ["kept", "kept", "kept", "dropped"]);
    await setNumber("top-k (0: off)", 0);
    await setNumber("top-p (1: off)", 0.05);
    await done({topK: 0, topP: 0.05});
    assert.ok((await keptWhen(`kept < ${all}`)) < all, "top-p drops the tail");
    assert.deepEqual(log.errors, []);
  });

  test("a prompt the model cannot read is refused in place; attention maps are drawn over the prompt", async () => {
    const prompt = page.locator('form:has(> label:text-is("prompt")) textarea');
    await prompt.fill("12a+3=");
    await page.locator("button", {hasText: "Generate"}).click();
    const refused = page.locator("[data-name=promptProblem]");
    await refused.waitFor();
    assert.match(await shownText(refused), /"a" .* is not in the vocabulary/);
    await prompt.fill("123+456=");
    await page.locator("button", {hasText: "Generate"}).click();
    await done();
    await page.locator("[data-name=promptProblem]").waitFor({state: "detached"});
    const sums = await page
      .locator("figure.tg-attention:has([data-name=attention]) .tg-sums li")
      .evaluateAll((items) => items.map((li) => Number((li as HTMLElement).dataset.sum)));
    assert.equal(sums.length, 8);
    for (const sum of sums) assert.ok(Math.abs(sum - 1) < 1e-3, `row sum ${sum}`);
    assert.equal(await page.locator("[data-name=heads] .tg-multiple").count(), 4);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
  });
});

describe("chapter 9 · 'Adding, inside out' on every other backend", () => {
  for (const backend of ["cpu", "webgl", "webgpu"]) {
    test(`the sum card and both attention grids are drawn on ${backend}, beside the streaming text`, async () => {
      const {page: other, log: otherLog} = await session.open(`09-generation?backend=${backend}`);
      assert.equal((await badge(other)).backend, backend);
      const card = other.locator('[data-name=sum][data-a="375"][data-b="648"]');
      await card.waitFor({timeout: 180_000});
      assert.equal(await card.getAttribute("data-answer"), "1023");
      await other.locator("[data-name=sumLayers] canvas").first().waitFor();
      assert.equal(await other.locator("[data-name=sumHeads] .tg-multiple").count(), 4, "one map per head");
      assert.deepEqual(otherLog.errors, []);
      await other.context().close();
    });
  }
});

describe("chapter 9 · streaming, on wasm with the Shakespeare model", () => {
  let wasm: Page;
  let wasmLog: PageLog;
  const form = (label: string) => wasm.locator(`form:has(> label:text-is("${label}"))`);
  const set = (label: string, value: string) => setNumber(label, value, wasm);
  const numberIn = (label: string) => form(label).locator("input[type=number]").inputValue();
  /** The status line once a run has written n tokens. */
  const written = (n: number | string) =>
    wasm.locator("[data-name=generation] [data-name=status]", {hasText: new RegExp(`^${n} tokens in`)});
  /** The status line of the run now shown once it is done. */
  const finished = () =>
    wasm.locator("[data-name=generation] [data-name=status][data-done=true]").waitFor({timeout: 300_000});

  before(async () => {
    ({page: wasm, log: wasmLog} = await session.open("09-generation?backend=wasm"));
    assert.equal((await badge(wasm)).backend, "wasm");
    await finished();
  });

  test("tokens appear as they are written, and the token slider follows how many there are", async () => {
    // Every value the text's count takes, recorded in the page from the moment the control changes.
    await wasm.evaluate(`(() => {
      window.__counts = [];
      new MutationObserver(() => {
        const text = document.querySelector("[data-name=generation] [data-name=text]");
        const n = Number(text?.dataset.generated);
        if (window.__counts.at(-1) !== n) window.__counts.push(n);
      }).observe(document.body, {subtree: true, childList: true, attributes: true});
    })()`);
    await set("new tokens", "90");
    await written(90).waitFor({timeout: 300_000});
    const counts = (await wasm.evaluate("window.__counts")) as number[];
    const between = counts.filter((n) => n > 0 && n < 90);
    assert.ok(between.length >= 3, `shown while writing: ${counts.join(" ")}`);
    assert.deepEqual(
      between,
      [...between].sort((a, b) => a - b),
      "the count only grows"
    );
    assert.equal(await form("token").locator("input[type=range]").getAttribute("max"), "90");
    await set("new tokens", "12");
    await written(12).waitFor({timeout: 300_000});
    assert.equal(await form("token").locator("input[type=range]").getAttribute("max"), "12");
    assert.deepEqual(wasmLog.errors, []);
  });

  test("a new run does not move the page below its text: the view keeps the last run's height while it streams", async () => {
    const [seed, count] = [await numberIn("seed"), await numberIn("new tokens")];
    await set("new tokens", "300");
    await written(300).waitFor({timeout: 300_000});
    // Where the section after the text sits at every count the text takes, from the moment a control changes.
    const below = `document.querySelector("[data-name=generation]").parentElement.nextElementSibling`;
    const before = (await wasm.evaluate(`${below}.getBoundingClientRect().top`)) as number;
    await wasm.evaluate(`(() => {
      window.__tops = [];
      new MutationObserver(() => {
        const text = document.querySelector("[data-name=generation] [data-name=text]");
        const n = Number(text?.dataset.generated);
        if (n > 0 && window.__tops.at(-1)?.n !== n) window.__tops.push({n, top: ${below}.getBoundingClientRect().top});
      }).observe(document.body, {subtree: true, childList: true, attributes: true});
    })()`);
    await set("seed", "4242");
    await written(300).waitFor({timeout: 300_000});
    const tops = (await wasm.evaluate("window.__tops")) as {n: number; top: number}[];
    const streaming = tops.slice(0, -1);
    assert.ok(streaming.length >= 3, `seen while writing: ${JSON.stringify(tops)}`);
    for (const {n, top} of streaming)
      assert.ok(top >= before - 0.5, `after ${n} tokens the page below moved up by ${before - top} px`);
    const moves = streaming.filter((t, i) => i > 0 && t.top !== streaming[i - 1].top).length;
    assert.ok(moves <= streaming.length / 3, `the page below moved at ${moves} of ${streaming.length} frames`);
    await set("seed", seed); // as the tests below expect
    await set("new tokens", count);
    await written(count).waitFor({timeout: 300_000});
    assert.deepEqual(wasmLog.errors, []);
  });

  test("a run stopped for a newer one leaves the token slider to the newer run", async () => {
    const [seed, count] = [await numberIn("seed"), await numberIn("new tokens")];
    const maxes: string[] = [];
    for (const other of ["7", "8", "9"]) {
      await set("seed", other); // a run of `count` tokens starts…
      await set("new tokens", "3"); // …and is stopped for a shorter one, which may end before it notices
      await written(3).waitFor();
      await wasm.waitForTimeout(300);
      maxes.push((await form("token").locator("input[type=range]").getAttribute("max")) ?? "");
      await set("new tokens", count);
    }
    assert.deepEqual(maxes, ["3", "3", "3"], "the slider ends at the newer run's count");
    await set("seed", seed); // as the tests below expect
    await written(count).waitFor({timeout: 300_000});
    assert.deepEqual(wasmLog.errors, []);
  });

  test("attention can be read over the text the model wrote: the picked token's window", async () => {
    const slider = form("token").locator("input[type=range]");
    await slider.fill("10");
    const prompt = Number(await wasm.locator("[data-name=text]").getAttribute("data-prompt"));
    // token 10 was written after reading the prompt and the 9 tokens before it
    const map = wasm.locator(`figure[data-name=attention][data-rows="${prompt + 9}"]`);
    await map.waitFor({timeout: 60_000});
    const strip = await wasm.locator("figure.tg-attention:has([data-name=attention]) .tg-strip li").count();
    assert.equal(strip, prompt + 9);
    assert.equal(await wasm.locator("[data-name=text] .tg-gen-at").getAttribute("data-index"), "9");
    await wasm.locator("[data-name=text] [data-index='4']").click();
    await wasm.locator(`figure[data-name=attention][data-rows="${prompt + 4}"]`).waitFor({timeout: 60_000});
    assert.equal(await slider.inputValue(), "5", "a clicked token is picked");
    assert.deepEqual(wasmLog.errors, []);
  });

  test("the generated text is picked by keyboard: the arrow keys, Home and End move the token inspected", async () => {
    const slider = form("token").locator("input[type=range]");
    const text = wasm.locator("[data-name=generation] [data-name=text]");
    const prompt = Number(await text.getAttribute("data-prompt"));
    const count = Number(await text.getAttribute("data-generated"));
    assert.ok(count >= 4, `${count} tokens written`);
    /**
     * Waits until token `at` (1-based) is the one inspected: boxed, on the slider, announced, and the attention drawn
     * over the window the model read for it (the tokens before it, the last blockSize of them once there are more).
     */
    const inspected = async (at: number) => {
      await wasm.locator(`[data-name=text] .tg-gen-at[data-index="${at - 1}"]`).waitFor({timeout: 60_000});
      assert.equal(await slider.inputValue(), String(at));
      assert.match((await wasm.locator("[data-name=picked]").textContent()) ?? "", new RegExp(`^token ${at}: “.+”$`));
      const window = await wasm.locator("[data-name=text] .tg-gen-window").count();
      assert.ok(window > 0 && window <= prompt + at - 1, `a window of ${window} tokens`);
      await wasm.locator(`figure[data-name=attention][data-rows="${window}"]`).waitFor({timeout: 60_000});
    };
    await text.focus();
    assert.match((await text.getAttribute("aria-label")) ?? "", /arrow keys/, "named for what its keys do");
    await wasm.keyboard.press("Home");
    await inspected(1);
    await wasm.keyboard.press("ArrowRight");
    await wasm.keyboard.press("ArrowRight");
    await inspected(3);
    await wasm.keyboard.press("End");
    await inspected(count);
    await wasm.keyboard.press("ArrowLeft");
    await inspected(count - 1);
    const ring = await text.evaluate(
      (e) => e.matches(":focus-visible") && parseFloat(getComputedStyle(e).outlineWidth)
    );
    assert.ok(Number(ring) >= 2, "the focused text shows a ring");
    assert.deepEqual(wasmLog.errors, []);
  });

  test("every head of a layer is labelled with its tokens", async () => {
    const heads = wasm.locator("[data-name=heads] figure.tg-heatmap");
    assert.equal(await heads.count(), 4);
    for (const map of await heads.all()) {
      assert.equal(await map.getAttribute("data-top"), "16", "room for the column labels");
      assert.ok(Number(await map.getAttribute("data-left")) > 4, "room for the row labels");
    }
    const first = wasm.locator("[data-name='heads.0']");
    await first.scrollIntoViewIfNeeded();
    const [top, left, cell] = await Promise.all(
      ["data-top", "data-left", "data-cell-height"].map((a) => first.getAttribute(a))
    );
    await first
      .locator(".tg-heatmap-overlay")
      .hover({position: {x: Number(left) + 1, y: Number(top) + Number(cell) / 2}});
    assert.match(await first.locator("figcaption.tg-readout").innerText(), /^\[R 0, 0 R\]/);
  });

  test("the cached-against-uncached table shows a line break as ↵, not an escape", async () => {
    await wasm.locator("[data-name=race] button").click();
    const race = wasm.locator("[data-name=race][data-state=done] .tg-race");
    await race.waitFor({timeout: 300_000});
    const texts = await race.locator("tbody tr td:nth-child(4), tr:not(:first-child) td:nth-child(4)").allInnerTexts();
    assert.ok(texts.length >= 2);
    for (const text of texts) {
      assert.doesNotMatch(text, /\\x[0-9a-f]{2}/);
      assert.match(text, /↵/, "the greedy text after ROMEO: runs onto a new line");
    }
    assert.equal(await race.getAttribute("data-same"), "true");
  });

  test("beam search of width 3 lists every beam with its score, best first", async () => {
    await set("new tokens", "8");
    await form("method").locator('label:text-is("beam search") input').check();
    await wasm
      .locator("[data-name=generation]:has([data-name=beams]:not([hidden])) [data-name=status][data-done=true]")
      .waitFor({timeout: 300_000});
    const items = wasm.locator("[data-name=beams] li");
    assert.equal(await items.count(), 3);
    const scores = await items.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.score)));
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a)
    );
    for (const text of await items.allInnerTexts()) assert.match(text, /score -\d+\.\d{3} \(p per token ≈ \d\.\d\d\)$/);
    const best = await wasm.locator("[data-name=text] .tg-gen-new").allTextContents();
    assert.equal(await items.first().locator("span").textContent(), best.join(""), "the text shown is the best beam");
    assert.deepEqual(wasmLog.errors, []);
  });

  test("the model select is wide enough for its longest entry", async () => {
    const select = form("model").locator("select");
    const {needed, room} = await select.evaluate((s: HTMLSelectElement) => {
      const context = document.createElement("canvas").getContext("2d")!;
      context.font = getComputedStyle(s).font;
      const needed = Math.max(...[...s.options].map((o) => context.measureText(o.text).width));
      return {needed, room: s.clientWidth - 28}; // the arrow and the padding
    });
    assert.ok(needed <= room, `the longest entry needs ${needed.toFixed(0)} px, the select shows ${room} px`);
    assert.deepEqual(wasmLog.errors, []);
    assert.deepEqual(wasmLog.external, []);
  });
});
