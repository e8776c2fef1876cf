// Chapters 2–5 with the shipped trained weights, without WebGPU: the switch persists in the URL and localStorage and
// never touches the reader's model; a trained model's heads, embeddings, writes and predictions show its training,
// and the text says so; every page settles with either checkpoint on wasm and on cpu.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {assertNoCellErrors, badge, shownText, siteSession} from "./harness.js";

const session = siteSession({webgpu: false});

type Matrix = number[][];

const matrixOf = (page: Page, name: string): Promise<Matrix> =>
  page.locator(`figure.tg-heatmap[data-name="${name}"]`).evaluate((n) => (n as HTMLElement & {matrix: Matrix}).matrix);

/** The largest mean weight any head of the "heads" multiples puts on the previous token. */
async function bestPrevious(page: Page): Promise<number> {
  const maps = await page
    .locator("[data-name=heads] figure.tg-heatmap")
    .evaluateAll((ns) => ns.map((n) => (n as HTMLElement & {matrix: Matrix}).matrix));
  const previous = maps.map((m) => m.slice(1).reduce((a, row, i) => a + row[i], 0) / (m.length - 1));
  return Math.max(...previous);
}

const choose = (page: Page, weights: string) => page.locator(`.tg-weights input[value="${weights}"]`).check();

describe("trained weights in chapters 2–5", () => {
  test("chapter 3: the switch shows a trained model's heads and back, and leaves the reader's model as it was", async () => {
    const {page, log} = await session.open("03-attention?nEmbd=8&nHead=2&text=to+be+or+not+to+be");
    await badge(page);
    await page.locator("[data-name='heads.1']").waitFor({timeout: 120_000});
    const fresh = await bestPrevious(page);
    const stored = await page.evaluate(() => localStorage.getItem("tinygpt.model"));
    await choose(page, "shakespeare");
    await page.locator("[data-name='heads.3']").waitFor({timeout: 120_000});
    const trained = await bestPrevious(page);
    assert.ok(trained > 0.35 && trained > fresh + 0.1, `previous-token weight: trained ${trained}, fresh ${fresh}`);
    assert.match(page.url(), /weights=shakespeare/);
    assert.match(page.url(), /nEmbd=8&nHead=2/, "the reader's model stays in the URL");
    assert.equal(await page.evaluate(() => localStorage.getItem("tinygpt.weights")), "shakespeare");
    assert.equal(await page.evaluate(() => localStorage.getItem("tinygpt.model")), stored, "and in storage");
    const note = await shownText(page.locator(".tg-note", {hasText: "Trained weights"}));
    assert.match(note, /shakespeare · shipped · 4 layers × 128.* It reads your sample text\./);
    assert.match(await shownText(page.locator("div[data-when=trained]")), /far from uniform.*the sharpest head/s);
    assert.ok(await page.locator("div[data-when=fresh]").isHidden(), "the untrained wording is hidden");
    assert.equal((await matrixOf(page, "att")).length, 18, "the sample text's 18 characters");

    // Another chapter opens on the same weights; a link without the key uses the stored choice.
    await page.goto(`${session.site.url}04-block`);
    await page.locator("[data-name=writes][data-stream]").waitFor({timeout: 120_000});
    assert.equal(await page.locator(".tg-weights input:checked").getAttribute("value"), "shakespeare");
    await choose(page, "fresh");
    await page.waitForURL((url) => !url.search.includes("weights="));
    await page.locator("[data-name=writes] [data-when=freshPre]:not([hidden])").waitFor({timeout: 60_000});
    assert.match(page.url(), /nEmbd=8&nHead=2/);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("chapter 4: the writes are a few percent of the stream at initialisation, and large once trained", async () => {
    const {page, log} = await session.open("04-block?weights=fresh");
    await badge(page);
    const writes = page.locator("[data-name=writes]");
    await page.locator("[data-name=writes][data-stream]").waitFor({timeout: 120_000});
    const ratio = async () =>
      writes.evaluate((n) => Number((n as HTMLElement).dataset.attn) / Number((n as HTMLElement).dataset.stream));
    assert.ok((await ratio()) < 0.2, `fresh: attention writes ${await ratio()} of the stream`);
    assert.match(await shownText(writes), /That is why the three stream panels look the same/);
    await choose(page, "shakespeare");
    await page.locator("[data-name=writes] [data-when=trained]:not([hidden])").waitFor({timeout: 120_000});
    assert.ok((await ratio()) > 0.5, `trained: attention writes ${await ratio()} of the stream`);
    assert.match(await shownText(writes), /the writes are a sizeable share of the stream/);
    assert.doesNotMatch(await shownText(writes), /look the same/, "the fresh explanation is hidden");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("chapter 2: a trained table puts vowels beside vowels; chapter 5: the addition model answers its sum", async () => {
    const {page, log} = await session.open("02-embeddings?weights=shakespeare&text=to+be+or+not+to+be");
    await badge(page);
    await page.locator("[data-name=neighbours] li").first().waitFor({timeout: 120_000});
    const first = await shownText(page.locator("[data-name=neighbours] li").first());
    const near = first
      .replace(/^a: /, "")
      .split(" · ")
      .map((s) => s.split(" ")[0]);
    assert.ok(first.startsWith("a: ") && near.every((c) => "eiou".includes(c)), first);
    assert.equal((await matrixOf(page, "similarity")).length, 65);

    await page.goto(`${session.site.url}05-model?weights=addition`);
    const top = page.locator("[data-name=top5] tbody tr").first();
    await top.waitFor({timeout: 120_000});
    assert.equal(await top.locator('[data-key="token"]').textContent(), "1", "456 + 789 = 1245: the last digit next");
    assert.match(await shownText(page.locator(".tg-note", {hasText: "Trained weights"})), /456\+789=/);
    const scored = await shownText(page.locator("p", {hasText: "positions it is scored on"}));
    assert.match(scored, /\(4 of 11: the four answer digits, as in training/);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  for (const [backend, weights] of [
    ["wasm", "shakespeare"],
    ["cpu", "addition"]
  ]) {
    test(`chapters 2–5 settle on ${backend} with the ${weights} weights: every cell drawn, none loading`, async () => {
      for (const [path, last] of [
        ["02-embeddings", "flow"],
        ["03-attention", "flow"],
        ["04-block", "dropout"],
        ["05-model", "losses"]
      ]) {
        const {page, log} = await session.open(`${path}?backend=${backend}&weights=${weights}`);
        assert.equal((await badge(page)).backend, backend);
        await page.locator(`[data-name=${last}]`).waitFor({timeout: 120_000});
        await page.locator(".tg-note", {hasText: "Trained weights"}).waitFor();
        await page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0, null, {
          timeout: 60_000
        });
        assert.deepEqual(log.errors, [], path);
        await assertNoCellErrors(page);
        await page.context().close();
      }
    });
  }
});
