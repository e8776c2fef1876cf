// Chapter 5 through the built site on its own pick (SITE_PICK): the shape flow follows the reader's config, the tied head
// is the token embedding, the logits cover every position and token, and the untrained loss sits near ln V.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {DEFAULT_MODEL, toConfig} from "../../src/components/reader/readerModel.js";
import {paramSpecs} from "../../src/gpt/params.js";
import {countParams} from "../../src/gpt/count.js";
import {assertNoCellErrors, badge, SITE_PICK, siteSession} from "./harness.js";

const session = siteSession({webgpu: true});

describe("chapter 5 · the full model", () => {
  test("flow, tied head, logits, top-5 and the untrained loss follow the reader's model", async () => {
    const {page, log} = await session.open("05-model");
    assert.equal((await badge(page)).backend, SITE_PICK);
    const config = toConfig(DEFAULT_MODEL);
    const logits = page.locator('figure.tg-heatmap[data-name="logits"]');
    await logits.waitFor({timeout: 120_000});
    const T = Math.min([...DEFAULT_MODEL.text].length, DEFAULT_MODEL.blockSize);
    assert.deepEqual(await logits.evaluate((n) => [n.dataset.rows, n.dataset.cols]), [
      String(T),
      String(config.vocabSize)
    ]);
    const shapes = await page
      .locator("[data-name=flow] li[data-shape]")
      .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.shape));
    assert.deepEqual(shapes.at(-1), `1,${T},${config.vocabSize}`);
    assert.equal(shapes.length, 1 + (config.nLayer + 1) + 1 + 2, "idx, x0…xL, h, logits, probs");

    const names = await page.locator("[data-name=weights] li").allTextContents();
    assert.deepEqual(
      names,
      paramSpecs(config).map((s) => s.name)
    );
    assert.ok(!names.some((n) => n.startsWith("lm_head")), "a tied model has no lm_head tensor");
    const diff = Number(await page.locator("[data-name=tied]").getAttribute("data-diff"));
    assert.ok(diff < 1e-5, `logits differ from ln_f(x)·W_teᵀ by ${diff}`);
    assert.match(
      (await page.locator("body").textContent()) ?? "",
      new RegExp(`Tying saves[\\s\\S]*${config.vocabSize * config.nEmbd}`)
    );

    const top = await page
      .locator("[data-name=top5] tbody tr")
      .evaluateAll((rows) => rows.map((r) => Number(r.querySelector('[data-key="p"]')!.textContent)));
    assert.equal(top.length, 5);
    assert.deepEqual(
      [...top].sort((a, b) => b - a),
      top,
      "most likely first"
    );
    const probs = JSON.parse((await page.locator("[data-name=lastProbs]").getAttribute("data-values"))!) as number[];
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, "the last position's probabilities sum to 1");

    const losses = JSON.parse((await page.locator("[data-name=losses]").getAttribute("data-values"))!) as number[];
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    assert.ok(
      Math.abs(mean - Math.log(config.vocabSize)) < 0.25,
      `untrained loss ${mean} vs ln V ${Math.log(config.vocabSize)}`
    );
    assert.ok(countParams(config).total > 0);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("a deeper model adds a block to the flow and its weights to the list", async () => {
    const {page, log} = await session.open("05-model?nLayer=3");
    await badge(page);
    const config = toConfig({...DEFAULT_MODEL, nLayer: 3});
    await page.locator('figure.tg-heatmap[data-name="logits"]').waitFor({timeout: 120_000});
    await page.waitForFunction(
      (n) => document.querySelectorAll("[data-name=weights] li").length === n,
      paramSpecs(config).length
    );
    assert.equal(await page.locator("[data-name=flow] li[data-shape]").count(), 1 + 4 + 1 + 2);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
