// Chapter 9 through the built site on its own pick (SITE_PICK), with the shipped addition model: it answers sums
// correctly, greedy text is the same with and without the KV cache, the sampling controls change what can be
// drawn, a prompt the model cannot read is refused in place, and its attention maps are drawn.
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

async function setNumber(label: string, value: number): Promise<void> {
  const input = page.locator(`form:has(> label:text-is("${label}")) input[type=number]`);
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

const kept = async () => Number(await page.locator("[data-name=next]").getAttribute("data-kept"));

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
    assert.equal(await kept(), 1, "greedy keeps one token");
    await page.locator('form:has(> label:text-is("method")) label:text-is("sample") input').check();
    await setNumber("temperature τ", 2);
    await done({method: "sample", temperature: 2});
    const all = await kept();
    assert.ok(all > 3, `at τ = 2 sampling keeps ${all} tokens`);
    await setNumber("top-k (0: off)", 3);
    await done({topK: 3});
    assert.equal(await kept(), 3);
    const marks = await page.locator("[data-name=next] tbody tr td:nth-child(4)").allInnerTexts();
    assert.deepEqual(marks.slice(0, 4), ["kept", "kept", "kept", "dropped"]);
    await setNumber("top-k (0: off)", 0);
    await setNumber("top-p (1: off)", 0.05);
    await done({topK: 0, topP: 0.05});
    assert.ok((await kept()) < all, "top-p drops the tail");
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
