// Chapter 8's run sized for the machine on wasm: the form starts at the steps the page measured for a minute, and
// the recipe select still fills the form from the chosen recipe (re-timed at its batch size), sized the same way. On
// webgl: the sizing, a run on BPE tokens with its loss per byte, and the over-fitting run. (Chapter 8 trains on webgpu
// in training-faults.test.ts; here SwiftShader's webgpu would take minutes for what webgl shows.)
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {badge, shownText, siteSession} from "./harness.js";
import {waitForHook} from "./hooks.js";
import {hook, tinyModel, tinySettings, until, type RunHook} from "./trainingPage.js";

const session = siteSession({webgpu: false});

const field = (page: Page, label: string, kind = "input[type=number]") =>
  page.locator(`form:has(> label:text-is("${label}")) ${kind}`);

describe("chapter 8 · a run sized to a minute", () => {
  test("the form starts at the measured steps; another recipe fills it, sized within the recipe's length", async () => {
    const {page, log} = await session.open("08-training?backend=wasm");
    assert.equal((await badge(page)).backend, "wasm");
    const sizing = page.locator("[data-name=sizing][data-steps]");
    await sizing.waitFor({state: "attached", timeout: 180_000});
    const steps = Number(await sizing.getAttribute("data-steps"));
    assert.ok(steps >= 10 && steps <= 2000, `${steps} steps`);
    assert.equal(Number(await field(page, "steps N").inputValue()), steps);
    assert.match(
      await shownText(sizing),
      /^The recipe trains for 2,000 steps\. Sized for this machine instead: [\s\S]* took \d+ ms for one step of [\s\S]*B=64 on wasm/
    );
    assert.match(await shownText(sizing), /: about \d+ s\./);

    await field(page, "recipe", "select").selectOption("seed-addition");
    await sizing.filter({hasText: "The recipe trains for 3,907 steps"}).waitFor({timeout: 180_000});
    await page.locator("[data-name=sizing]", {hasText: "B=128 on wasm"}).waitFor();
    const sized = Number(await sizing.getAttribute("data-steps"));
    assert.ok(sized >= 10 && sized <= 3907, `${sized} steps`);
    assert.equal(Number(await field(page, "steps N").inputValue()), sized);
    assert.equal(Number(await field(page, "batch size B").inputValue()), 128);
    const lr = field(page, "peak learning rate", "select");
    assert.equal(await lr.evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent), String(5e-4));
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });
});

const gpu = siteSession({webgpu: true});

for (const backend of ["webgl"]) {
  describe(`chapter 8 · its new sections on ${backend}`, () => {
    test(`sized, a run on BPE tokens reports bits per byte, and the over-fitting run trains, on ${backend}`, async () => {
      const {page, log} = await gpu.open(`08-training?backend=${backend}`);
      assert.equal((await badge(page)).backend, backend);
      await page.locator(".tg-data-source input[value='toy sentences']").check();
      await page
        .locator('form:has(> label:text-is("tokenizer (text)")) label:text-is("BPE, 300 tokens") input')
        .check();
      await page.locator("[data-name=splits]", {hasText: "tokens to train on"}).waitFor({timeout: 120_000});
      // sized for the model it trains (the tiny one, on these tokens) rather than for the default one first: each is
      // timed on webgl, its kernels compiled included
      await tinyModel(page);
      const sizing = page.locator('[data-name=sizing][data-n-layer="1"][data-vocab-size="300"][data-steps]');
      await sizing.waitFor({state: "attached"});
      assert.equal(Number(await field(page, "steps N").inputValue()), Number(await sizing.getAttribute("data-steps")));
      await tinySettings(page, 4, 2);
      await page.locator("[data-name=run] button[data-action=start]").click();
      const run = await until(page, (r) => r.status === "finished" && r.probe !== null);
      const perByte = page.locator("[data-name=perByte]");
      await perByte.filter({hasText: "bits per byte"}).waitFor();
      const [bits, tokens, bytes] = await Promise.all(
        ["bits", "tokens", "bytes"].map(async (k) => Number(await perByte.getAttribute(`data-${k}`)))
      );
      assert.ok(Math.abs(bits - (run.valLosses.at(-1)! * tokens) / bytes / Math.LN2) < 1e-9, `${bits} bits per byte`);

      await page.locator("[data-name=overfitRun] button[data-action=start]").click();
      await waitForHook<"overfit", RunHook, null>(page, "overfit", (r) => r.step >= 3, null, 300_000);
      await page.locator("[data-name=overfitRun] button[data-action=stop]").click();
      const stopped = await waitForHook<"overfit", RunHook, null>(page, "overfit", (r) => r.status === "stopped");
      assert.ok(stopped.losses.every(Number.isFinite), `losses ${stopped.losses}`);
      assert.equal((await hook(page)).step, 4, "the page's own model kept its run");
      assert.deepEqual(log.errors, []);
      await page.context().close();
    });
  });
}
