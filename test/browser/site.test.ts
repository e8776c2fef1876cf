import {after, before, describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Browser} from "playwright-core";
import {CHAPTERS} from "../../src/chapters.js";
import {badge, launch, openPage, serveSite, shownText, type Site} from "./harness.js";

const PAGES = ["", ...CHAPTERS.filter((c) => c.ready).map((c) => c.path)];

let site: Site;
before(async () => (site = await serveSite()));
after(async () => site.close());

describe("with WebGPU available (SwiftShader)", () => {
  let browser: Browser;
  before(async () => (browser = await launch({webgpu: true})));
  after(async () => browser.close());

  for (const path of PAGES) {
    test(`/${path} runs on webgpu, renders its formulas and requests nothing from other hosts`, async () => {
      const {page, log} = await openPage(browser, site.url + path, site.url);
      const shown = await badge(page);
      assert.equal(shown.backend, "webgpu", `badge: ${shown.text}`);
      assert.equal(shown.fellBack, "false");
      await assertFormulaRendered(page);
      await page.waitForLoadState("networkidle");
      assert.deepEqual(log.external, [], "requests to other hosts");
      assert.deepEqual(log.errors, [], "console or page errors");
      await page.context().close();
    });
  }

  test("the home page's live cell draws a random tensor made on the active backend", async () => {
    const {page, log} = await openPage(browser, site.url, site.url);
    await badge(page);
    const caption = page.locator("p", {hasText: "on webgpu"});
    await caption.waitFor({timeout: 120_000});
    assert.match(await shownText(caption), /Shape \[8, 16\] on webgpu: 128 numbers/);
    const canvas = page.locator("figure.tg-heatmap canvas");
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `heatmap size ${JSON.stringify(box)}`);
    const painted = await canvas.evaluate((node: HTMLCanvasElement) => {
      const data = node.getContext("2d")!.getImageData(0, 0, node.width, node.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 0) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return colours.size;
    });
    assert.ok(painted > 20, `heatmap has only ${painted} distinct colours`);
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("?backend=cpu forces the cpu backend and the control offers the choice", async () => {
    const {page, log} = await openPage(browser, `${site.url}?backend=cpu`, site.url);
    const shown = await badge(page);
    assert.equal(shown.backend, "cpu");
    assert.equal(shown.fellBack, "false");
    assert.equal(await page.locator(".tg-picker select").inputValue(), "cpu");
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("the header control switches the backend and the choice is remembered", async () => {
    const {page} = await openPage(browser, site.url, site.url);
    await badge(page);
    await Promise.all([page.waitForURL(/backend=wasm/), page.locator(".tg-picker select").selectOption("wasm")]);
    assert.equal((await badge(page)).backend, "wasm");
    await page.goto(site.url);
    assert.equal((await badge(page)).backend, "wasm", "choice kept in localStorage");
    await Promise.all([page.waitForURL(/backend=auto/), page.locator(".tg-picker select").selectOption("auto")]);
    assert.equal((await badge(page)).backend, "webgpu");
    await page.context().close();
  });

  test("an unknown ?backend value is ignored with a notice", async () => {
    const {page, log} = await openPage(browser, `${site.url}?backend=quantum`, site.url);
    assert.equal((await badge(page)).backend, "webgpu");
    await page.locator(".tg-notice", {hasText: "Unknown backend “quantum”"}).waitFor();
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });
});

describe("without WebGPU", () => {
  let browser: Browser;
  before(async () => (browser = await launch({webgpu: false})));
  after(async () => browser.close());

  for (const path of PAGES) {
    test(`/${path} falls back from webgpu, says so, and still computes`, async () => {
      const {page, log} = await openPage(browser, site.url + path, site.url);
      const shown = await badge(page);
      assert.notEqual(shown.backend, "webgpu");
      assert.equal(shown.fellBack, "true");
      const notice = page.locator(".tg-notice[data-fallback='webgpu']");
      await notice.waitFor();
      assert.match(await shownText(notice), /WebGPU was unavailable; this page runs on (webgl|wasm|cpu)/);
      await assertFormulaRendered(page);
      await page.waitForLoadState("networkidle");
      assert.deepEqual(log.external, []);
      assert.deepEqual(log.errors, []);
      await page.context().close();
    });
  }
});

async function assertFormulaRendered(page: import("playwright-core").Page): Promise<void> {
  const formula = page.locator(".tg-tex .katex-html").first();
  await formula.waitFor({timeout: 60_000});
  const box = await formula.boundingBox();
  assert.ok(box && box.width > 5 && box.height > 5, `formula size ${JSON.stringify(box)}`);
  assert.ok((await page.locator(".tg-tex .katex-mathml math").count()) > 0, "formula has its MathML twin");
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts]
      .filter((f) => f.family.startsWith("KaTeX") && f.status === "loaded")
      .map((f) => f.family);
  });
  assert.ok(fonts.includes("KaTeX_Main") && fonts.includes("KaTeX_Math"), `KaTeX fonts loaded: ${fonts.join(", ")}`);
}
