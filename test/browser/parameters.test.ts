// Chapter 6 through the built site on its own pick (SITE_PICK): every displayed total is the library's count, computed
// here in the test process; the formula equals the weights actually built for every preset small enough to build.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {withSwitches} from "../../src/components/counting/presetCounts.js";
import {DEFAULT_MODEL, toConfig} from "../../src/components/reader/readerModel.js";
import {COUNT_ONLY, PRESETS, type PresetName} from "../../src/gpt/presets.js";
import {countParams} from "../../src/gpt/count.js";
import {assertNoCellErrors, badge, SITE_PICK, shownText, siteSession} from "./harness.js";

const session = siteSession({webgpu: true});

const NAMES = Object.keys(PRESETS) as PresetName[];

/** The selected model's check: the formula's total and the count of built weights ("" when not built). */
async function check(page: Page, total: number): Promise<{formula: string; built: string}> {
  const figure = page.locator(`[data-name=total][data-formula="${total}"]`);
  await figure.waitFor({timeout: 60_000});
  return figure.evaluate((n) => ({
    formula: (n as HTMLElement).dataset.formula!,
    built: (n as HTMLElement).dataset.built!
  }));
}

/** An Inputs control by its label. */
const input = (page: Page, label: string) => page.locator(`form:has(> label:text-is("${label}"))`);
const select = (page: Page, label: string) => input(page, label).locator("select");
const radio = (page: Page, label: string, value: string) =>
  input(page, label).locator(`label:text-is("${value}") input[type=radio]`);

describe("chapter 6 · counting parameters", () => {
  test("the presets table shows countParams' total and count without positions for every preset", async () => {
    const {page, log} = await session.open("06-parameters");
    assert.equal((await badge(page)).backend, SITE_PICK);
    await page.locator("[data-name=presets] tbody tr").first().waitFor({timeout: 60_000});
    for (const name of NAMES) {
      const row = page.locator(`[data-name=presets] tr[data-id="${name}"]`);
      const shown = await row.evaluate((tr) => ({
        total: Number(tr.querySelector<HTMLElement>('[data-key="total"]')!.dataset.value),
        excluding: Number(tr.querySelector<HTMLElement>('[data-key="excludingPositions"]')!.dataset.value),
        text: tr.querySelector('[data-key="total"]')!.textContent
      }));
      const count = countParams(PRESETS[name]);
      assert.equal(shown.total, count.total, name);
      assert.equal(shown.excluding, count.excludingPositions, name);
      assert.equal(shown.text, count.total.toLocaleString("en-US"), `${name}: the rendered text`);
    }
    const published = await page.locator("[data-name=presets] td.tg-emphasis").allTextContents();
    assert.ok(published.includes("200,832") && published.includes("20,712") && published.includes("124,439,808"));
    // GPT-3's rounded sizes: each published cell says how far the formula lands from the paper's figure.
    const gpt3 = await page
      .locator('[data-name=presets] tr[data-id^="gpt3"] td[data-key="published"]')
      .evaluateAll((cells) => cells.map((td) => td.textContent!.replace(/\u00a0/g, " ")));
    assert.equal(gpt3.length, 8);
    assert.equal(gpt3[0], "125M ✓ +0.2%");
    assert.equal(gpt3[1], "350M ✗ +1.7%");
    assert.equal(gpt3[7], "175B ✓ −0.2%");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the formula equals the built weights for the reader's model and every buildable preset; the rest are only counted", async () => {
    const {page, log} = await session.open("06-parameters");
    await badge(page);
    const mine = countParams(toConfig(DEFAULT_MODEL)).total;
    assert.deepEqual(await check(page, mine), {formula: String(mine), built: String(mine)});
    for (const name of NAMES) {
      await select(page, "model").selectOption(name);
      const total = countParams(PRESETS[name]).total;
      const shown = await check(page, total);
      assert.equal(shown.built, COUNT_ONLY.has(name) ? "" : String(total), name);
      const sum = await page
        .locator('[data-name=components] tr[data-id="total"] [data-key="count"]')
        .getAttribute("data-value");
      assert.equal(Number(sum), total, `${name}: the table's total`);
    }
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the switches change the count as the library does: GPT-2 untied, without biases, with sinusoids", async () => {
    const {page, log} = await session.open("06-parameters");
    await badge(page);
    await select(page, "model").selectOption("gpt2");
    await check(page, countParams(PRESETS.gpt2).total);
    await radio(page, "output head", "untied").check();
    await radio(page, "biases", "none").check();
    await radio(page, "positions", "sinusoidal").check();
    const config = withSwitches(PRESETS.gpt2, {head: "untied", biases: "none", positional: "sinusoidal"});
    const shown = await check(page, countParams(config).total);
    assert.equal(shown.built, "", "GPT-2 is never built in a page");
    const counted = await shownText(page.locator("[data-name=total]"));
    assert.match(counted, /^Formula: [\d,]+\. This preset is counted, never built, here: its weights alone would take/);
    assert.doesNotMatch(counted, /Built:/, "the built wording is hidden");
    await select(page, "model").selectOption("toy"); // the switches stay as they were
    await radio(page, "output head", "tied").check();
    const toy = countParams(withSwitches(PRESETS.toy, {head: "tied", biases: "none", positional: "sinusoidal"})).total;
    assert.equal((await check(page, toy)).built, String(toy));
    const built = await shownText(page.locator("[data-name=total]"));
    assert.match(built, new RegExp(`^Formula: ${toy.toLocaleString("en-US")}\\. Built: \\d+ tensors .* Equal\\.$`));
    assert.doesNotMatch(built, /counted, never built|differ/, "the other wordings are hidden");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the text says which part dominates the model shown: the blocks, or the embeddings of a wide vocabulary", async () => {
    const {page, log} = await session.open("06-parameters");
    await badge(page);
    const mine = countParams(toConfig(DEFAULT_MODEL)).total;
    await check(page, mine);
    const lead = page.locator("p", {hasText: "grow like"});
    assert.match(await shownText(lead), /the blocks dominate/);
    assert.doesNotMatch(await shownText(lead), /embedding table dominates/, "the other wording is hidden");
    const wide = {
      ...DEFAULT_MODEL,
      text: "abcdefghijklmnopqrstuvwxyz",
      nEmbd: 2,
      nHead: 1,
      nLayer: 1,
      dFF: 1,
      blockSize: 64
    };
    const query = Object.entries(wide)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    await page.goto(`${session.site.url}06-parameters?${query}`);
    await check(page, countParams(toConfig(wide)).total);
    assert.match(await shownText(lead), /V\+T=90 exceeds[\s\S]*the embedding table dominates/);
    assert.doesNotMatch(await shownText(lead), /the blocks dominate/);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
