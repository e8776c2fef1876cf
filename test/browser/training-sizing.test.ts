// Chapter 8's run sized for the machine on wasm: the form starts at the steps the page measured for a minute, and
// the recipe select still fills the form from the chosen recipe (re-timed at its batch size), sized the same way.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {badge, shownText, siteSession} from "./harness.js";

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
