// Chapters 1–4 through the built site on its own pick (SITE_PICK): the reader's model panel drives the figures, refuses
// invalid values in place, persists in the URL and localStorage; attention rows sum to 1; the mask toggle leaks.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {assertNoCellErrors, badge, SITE_PICK, type PageLog, shownText, siteSession} from "./harness.js";
import {readHook} from "./hooks.js";

const session = siteSession({webgpu: true});

type Matrix = number[][];

async function open(path: string): Promise<{page: Page; log: PageLog}> {
  const opened = await session.open(path);
  assert.equal((await badge(opened.page)).backend, SITE_PICK);
  return opened;
}

/** The matrix a heatmap drew, once it exists. */
async function matrix(page: Page, name: string): Promise<Matrix> {
  const figure = page.locator(`figure.tg-heatmap[data-name="${name}"]`);
  await figure.waitFor({timeout: 120_000});
  return figure.evaluate((node) => (node as HTMLElement & {matrix: Matrix}).matrix);
}

/** Waits until a heatmap's data attribute has the given value. */
async function until(page: Page, name: string, key: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([n, k, v]) => (document.querySelector(`[data-name="${n}"]`) as HTMLElement | null)?.dataset[k] === v,
    [name, key, value],
    {timeout: 60_000}
  );
}

/** How many forward passes the page has made (TestHooks.runs). */
const runs = (page: Page) => readHook(page, "runs");
/** tf.memory().numTensors after the page's last forward pass (TestHooks.memory). */
const tensors = async (page: Page) => (await readHook<"memory", {numTensors: number}>(page, "memory"))?.numTensors;

/**
 * From now on, counts the "input" events the model panel announces: it announces only valid values, in the same
 * event as the edit that made them, and a refused one never; without an announcement no cell runs again.
 */
async function announcements(page: Page): Promise<() => Promise<number>> {
  const key = `__announced${Math.random().toString(36).slice(2)}`;
  await page.evaluate((key) => {
    const w = window as unknown as Record<string, number>;
    const form = document.querySelector("form.tg-model")!;
    w[key] = 0;
    form.addEventListener("input", (event) => event.target === form && w[key]++);
  }, key);
  return () => page.evaluate((key) => (window as unknown as Record<string, number>)[key]!, key);
}

/**
 * The page's address once it matches pattern: an edit writes the URL (and localStorage) when the page is idle after
 * its redraw (afterRedraw), so a test that reads it right after a redraw waits for the write.
 */
async function writtenUrl(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction((source) => new RegExp(source).test(location.href), pattern.source, {timeout: 10_000});
  return page.evaluate(() => location.href);
}

const control = (page: Page, key: string) => page.locator(`form.tg-model [name="${key}"]`);

/** Sets a panel control as a reader would (fill fires "input"). */
async function set(page: Page, key: string, value: string): Promise<void> {
  const c = control(page, key);
  if ((await c.evaluate((n) => n.tagName)) === "SELECT") await c.selectOption(value);
  else await c.fill(value);
}

const upperTriangle = (m: Matrix) => m.flatMap((row, i) => row.slice(i + 1));
const rowSums = (m: Matrix) => m.map((row) => row.reduce((a, b) => a + b, 0));

describe("chapter 1 · tokens", () => {
  test("the text box drives the vocabulary and the ids; an empty text is refused in place", async () => {
    const {page, log} = await open("01-tokens?text=abca");
    await page.locator("[data-name=vocab]").waitFor();
    assert.equal(await page.locator("[data-name=vocab]").getAttribute("data-size"), "3");
    const ids = await page.locator("[data-name=ids] li").evaluateAll((items) => items.map((li) => li.textContent));
    assert.deepEqual(ids, ["a0", "b1", "c2", "a0"]);
    await set(page, "text", "abcad");
    await page.locator("[data-name=vocab][data-size='4']").waitFor();
    await writtenUrl(page, /text=abcad/);
    assert.equal(await page.locator(".tg-roundtrip").getAttribute("data-equal"), "");
    const roundtrip = await shownText(page.locator(".tg-roundtrip"));
    assert.match(roundtrip, /abcad.* — identical to the text ✓$/);
    assert.doesNotMatch(roundtrip, /different/, "the other outcome is hidden");
    await set(page, "text", "");
    await page.locator(".tg-refused", {hasText: "text is empty"}).waitFor();
    assert.equal(await page.locator("[data-name=vocab]").getAttribute("data-size"), "4", "the last valid text stays");
    assert.match(page.url(), /text=abcad/);
    const probe = page.locator(".tg-probe");
    assert.match(await shownText(probe), /character "T" \(U\+0054\) at position 0 is not in the vocabulary/);
    assert.doesNotMatch(await shownText(probe), /every character is known/, "the other outcome is hidden");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});

describe("chapter 2 · embeddings", () => {
  test("nEmbd redraws the tables; an nEmbd that nHead does not divide is refused; the URL reproduces the state", async () => {
    const {page, log} = await open("02-embeddings");
    await until(page, "wte", "cols", "16");
    await set(page, "nEmbd", "8");
    await until(page, "wte", "cols", "8");
    await until(page, "emb", "cols", "8");
    const wte = await matrix(page, "wte");
    // The slowest sinusoid shown, dimension 2·⌊8/4⌋ = 4, turns by 10000^(−4/8) = 0.01 radians per position.
    const waves = await shownText(page.locator("p", {hasText: "zigzag"}));
    assert.match(waves, /dimension 4 turns by 0\.010, a period of 628 positions/);
    await writtenUrl(page, /nEmbd=8/);

    const passes = await runs(page);
    const announced = await announcements(page);
    await set(page, "nEmbd", "7");
    await page.locator(".tg-refused", {hasText: "nEmbd (7) must be divisible by nHead (2)"}).waitFor();
    assert.equal(await announced(), 0, "the refused value was announced");
    assert.equal(await runs(page), passes, "nothing recomputed");
    assert.deepEqual(await matrix(page, "wte"), wte, "the previous figures stay");
    assert.match(page.url(), /nEmbd=8/, "the URL keeps the last valid model");
    assert.equal(await control(page, "nEmbd").getAttribute("aria-invalid"), "");

    // A learned model has its wpe: the note saying there is none is out of the layout and the accessibility tree.
    assert.ok(await page.locator(".tg-note", {hasText: "no wpe table"}).isHidden());
    assert.doesNotMatch(await page.locator("main").ariaSnapshot(), /so it has no/);
    await set(page, "positional", "sinusoidal");
    // nEmbd is still 7 in its box, so the whole form stays refused, now with a second reason.
    await page.locator(".tg-refused", {hasText: "nEmbd (7) must be even for sinusoidal positions"}).waitFor();
    assert.equal(await announced(), 0, "a form with a refused field announces nothing");
    await set(page, "nEmbd", "8");
    await page.locator(".tg-note", {hasText: "no wpe table"}).waitFor();
    assert.match(await page.locator("main").ariaSnapshot(), /so it has no/);
    assert.equal(await announced(), 1, "the valid model is announced, once");
    assert.equal(await page.locator("[data-name=wpe]").count(), 0);
    const settled = await tensors(page);
    const emb = await matrix(page, "emb");
    await set(page, "seed", "5");
    await page.waitForFunction(
      (old) =>
        JSON.stringify((document.querySelector("[data-name=emb]") as HTMLElement & {matrix: unknown}).matrix) !== old,
      JSON.stringify(emb)
    );
    assert.equal(await tensors(page), settled, "no tensor leaked across redraws");

    const url = await writtenUrl(page, /positional=sinusoidal.*seed=5(&|$)/);
    const sin = await matrix(page, "emb");
    await page.context().close();

    const fresh = await open(url.slice(session.site.url.length));
    await until(fresh.page, "emb", "cols", "8");
    assert.deepEqual(await matrix(fresh.page, "emb"), sin, "a fresh page shows the same numbers");
    assert.equal(await control(fresh.page, "positional").inputValue(), "sinusoidal");
    assert.deepEqual(log.errors, []);
    assert.deepEqual(fresh.log.errors, []);
    await assertNoCellErrors(fresh.page);
    await fresh.page.context().close();
  });
});

describe("chapter 3 · attention", () => {
  test("attention rows sum to 1, the mask keeps the future at 0, and the toggle lets it through", async () => {
    const {page, log} = await open("03-attention?text=hello+world&nEmbd=16&nHead=2&seed=3");
    const att = await matrix(page, "att");
    const scores = await matrix(page, "scores");
    assert.equal(att.length, 11);
    for (const sum of rowSums(att)) assert.ok(Math.abs(sum - 1) < 1e-5, `row sum ${sum}`);
    assert.ok(
      upperTriangle(att).every((w) => w === 0),
      "weights above the diagonal are 0"
    );
    assert.equal(await page.locator("[data-name=mask]").getAttribute("data-open"), String((11 * 12) / 2));
    assert.equal(await page.locator("[data-name=qkv] .tg-heatmap").count(), 3, "q, k and v of the chosen head");
    assert.match(await shownText(page.locator(".tg-stat")), /: 0\.0000 — exactly 0, as the mask intends\.$/);
    assert.ok(await page.locator("[data-name=leak]").isHidden(), "no leak notice while the mask is on");

    await page.getByRole("checkbox", {name: "causal mask"}).uncheck();
    await page.locator("[data-name=mask][data-open='121']").waitFor({timeout: 60_000});
    await page.locator("[data-name=leak]").waitFor();
    const open_ = await matrix(page, "att");
    assert.ok(
      upperTriangle(open_).every((w) => w > 0),
      "every weight above the diagonal is non-zero"
    );
    for (const sum of rowSums(open_)) assert.ok(Math.abs(sum - 1) < 1e-5, `row sum ${sum}`);
    assert.ok(Number(await page.locator(".tg-stat").getAttribute("data-future")) > 0);
    const stat = await shownText(page.locator(".tg-stat"));
    assert.match(stat, / — not 0: the mask is off\.$/);
    assert.doesNotMatch(stat, /exactly 0/, "the masked wording is hidden");
    assert.deepEqual(await matrix(page, "scores"), scores, "the scores before the mask do not change");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("nHead changes the number of heads; nHead = 3 with nEmbd = 16 is refused; the link reproduces it", async () => {
    const {page, log} = await open("03-attention?nEmbd=16&nHead=2&text=abcdef");
    await page.locator("[data-name=heads] .tg-heatmap").nth(1).waitFor({timeout: 120_000});
    await set(page, "nHead", "4");
    await page.locator("[data-name='heads.3']").waitFor({timeout: 60_000});
    assert.equal(await page.locator("[data-name=heads] .tg-heatmap").count(), 4);
    await until(page, "y", "cols", "4");
    await writtenUrl(page, /nHead=4/);
    await set(page, "nHead", "3");
    await page.locator(".tg-refused", {hasText: "nEmbd (16) must be divisible by nHead (3)"}).waitFor();
    assert.equal(await page.locator("[data-name=heads] .tg-heatmap").count(), 4);
    assert.match(page.url(), /nHead=4/);

    // Hovering a cell of the map marks its query and key tokens.
    const d = await page.locator("[data-name=att]").evaluate((n) => ({...(n as HTMLElement).dataset}));
    const cell = Number(d.cell);
    await page
      .locator("[data-name=att] .tg-heatmap-overlay")
      .hover({position: {x: Number(d.left) + 1.5 * cell, y: Number(d.top) + 4.5 * cell}});
    await page.locator(".tg-attention .tg-strip li.tg-query[data-position='4']").waitFor();
    await page.locator(".tg-attention .tg-strip li.tg-key[data-position='1']").waitFor();

    const url = page.url();
    const att = await matrix(page, "att");
    await page.context().close();
    const fresh = await open(url.slice(session.site.url.length));
    await fresh.page.locator("[data-name='heads.3']").waitFor({timeout: 120_000});
    assert.deepEqual(await matrix(fresh.page, "att"), att);
    assert.equal(await control(fresh.page, "nHead").inputValue(), "4");
    assert.deepEqual([...log.errors, ...fresh.log.errors], []);
    await assertNoCellErrors(fresh.page);
    await fresh.page.context().close();
  });
});

describe("chapter 4 · the block", () => {
  test("activation, norm and nLayer redraw the block; dFF = 0 is refused; reset restores the defaults", async () => {
    const {page, log} = await open("04-block?nLayer=1&dFF=32&activation=gelu&norm=pre");
    await until(page, "mlpAct", "cols", "32");
    const zeros = async () => (await matrix(page, "mlpAct")).flat().filter((v) => v === 0).length;
    assert.equal(await zeros(), 0, "GELU leaves no exact zeros");
    await set(page, "activation", "relu");
    await page.waitForFunction(() =>
      (document.querySelector("[data-name=mlpAct]") as HTMLElement & {matrix: number[][]}).matrix.flat().includes(0)
    );
    assert.ok((await zeros()) > 0);

    const std = () => page.locator("[data-name=lnAfter]").getAttribute("data-std").then(Number);
    assert.ok(Math.abs((await std()) - 1) < 0.05, "LayerNorm output has unit spread");
    await set(page, "nLayer", "3");
    await page.locator("[data-name='stack.6']").waitFor({timeout: 60_000});
    assert.equal(await page.locator("[data-name=stack] .tg-heatmap").count(), 7);
    await set(page, "norm", "post");
    // Post-norm ends every block in a LayerNorm: each position of the last block's output has RMS 1.
    await page.waitForFunction(() => {
      const out = (document.querySelector("[data-name='stack.6']") as HTMLElement & {matrix: number[][]}).matrix;
      return out.every((r) => Math.abs(Math.sqrt(r.reduce((a, v) => a + v * v, 0) / r.length) - 1) < 0.01);
    });

    const passes = await runs(page);
    const announced = await announcements(page);
    await set(page, "dFF", "0");
    await page.locator(".tg-refused", {hasText: "dFF (0) must be between 1 and 512 here"}).waitFor();
    assert.equal(await announced(), 0, "the refused value was announced");
    assert.equal(await runs(page), passes, "nothing recomputed");
    assert.equal(await page.locator("[data-name=mlpAct]").getAttribute("data-cols"), "32");

    await page.locator(".tg-reset").click();
    await page.waitForFunction(() => /2 layers/.test(document.querySelector(".tg-model-summary")!.textContent!));
    assert.equal(await announced(), 1, "the defaults are announced, once");
    assert.equal(await control(page, "dFF").inputValue(), "64");
    await writtenUrl(page, /nLayer=2&dFF=64&positional=learned&activation=gelu&norm=pre/);
    assert.equal(await page.locator(".tg-refused").isHidden(), true);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("dropout: rows of the attention map no longer sum to 1 in training mode, and do in evaluation", async () => {
    const {page, log} = await open("04-block?nLayer=1&text=abcdefgh");
    const sums = async () =>
      page
        .locator("[data-name=dropout]")
        .evaluate((n) => (n as HTMLElement & {matrix: number[][]}).matrix.map((r) => r.reduce((a, b) => a + b, 0)));
    await page.locator("[data-name=dropout]").waitFor({timeout: 120_000});
    assert.ok(
      (await sums()).some((s) => Math.abs(s - 1) > 1e-3),
      "training mode perturbs the rows"
    );
    await page.getByRole("radio", {name: "evaluation"}).check();
    await page.waitForFunction(() =>
      /evaluation/.test((document.querySelector("[data-name=dropout]") as HTMLElement).dataset.label ?? "")
    );
    for (const s of await sums()) assert.ok(Math.abs(s - 1) < 1e-5);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});

describe("the reader's model persists from chapter to chapter", () => {
  test("a change on one chapter is the model of the next (localStorage), and a bad URL value is ignored with a notice", async () => {
    // A URL naming a field starts from the defaults; what it gets wrong is ignored with a notice.
    const {page, log} = await open("01-tokens?zoom=2&nHead=x&text=abc");
    await page.locator(".tg-model .tg-notice", {hasText: "Unknown setting “zoom”"}).waitFor();
    await page.locator(".tg-model .tg-notice", {hasText: 'nHead ("x") must be a whole number'}).waitFor();
    assert.match(await shownText(page.locator(".tg-model-summary")), /vocab 3 · .* 2 heads/);
    await page.goto(`${session.site.url}02-embeddings?nEmbd=8&seed=9&text=abc`);
    await until(page, "wte", "cols", "8");
    await page.goto(`${session.site.url}04-block`);
    await page.locator("[data-name=lnAfter]").waitFor({timeout: 120_000});
    // No query: the model saved by the previous chapter, written back to the URL.
    assert.match(await shownText(page.locator(".tg-model-summary")), /vocab 3 · .*C 8 · .* seed 9/);
    assert.match(page.url(), /text=abc&blockSize=16&nEmbd=8/);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
