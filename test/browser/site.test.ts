import {after, before, describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Browser} from "playwright-core";
import {CHAPTERS} from "../../src/chapters.js";
import {
  assertFormulaRendered,
  assertThreadedWasmAndClean,
  FAKE_GPU_ADAPTER,
  SITE_PICK,
  badge,
  launch,
  openPage,
  serveSite,
  shownText,
  type Site
} from "./harness.js";
import {cellCode, describeUnsettled, settle} from "./settle.js";

const PAGES = ["", ...CHAPTERS.filter((c) => c.ready).map((c) => c.path)];

let site: Site;
before(async () => (site = await serveSite()));
after(async () => site.close());

describe("with WebGPU available (SwiftShader: a software adapter)", () => {
  let browser: Browser;
  before(async () => (browser = await launch({webgpu: true})));
  after(async () => browser.close());

  // One page: the choice and its notice are the header's, the same on every page; every page runs on wasm with its
  // threaded build, renders its formulas and requests nothing from other hosts in every-page.test.ts.
  for (const path of ["01-tokens"]) {
    test(`/${path} runs on wasm with a thread per core, says why not WebGPU, renders its formulas and requests nothing from other hosts`, async () => {
      const {page, log} = await openPage(browser, site.url + path, site.url);
      const shown = await badge(page);
      assert.equal(shown.backend, SITE_PICK, `badge: ${shown.text}`);
      assert.equal(shown.fellBack, "false");
      const cores = await page.evaluate(() => (crossOriginIsolated ? Math.min(8, navigator.hardwareConcurrency) : 0));
      assert.ok(cores > 0, "npm start's headers (COOP/COEP) make the page cross-origin isolated");
      assert.equal(shown.threads, String(cores));
      assert.equal(shown.simd, "true", "wasm runs the course's SIMD kernels");
      assert.match(shown.text, new RegExp(`^backend: wasm · ${cores} threads?$`));
      const notice = page.locator(".tg-notice[data-demoted='webgpu']");
      assert.match(
        await shownText(notice),
        /^This page runs on wasm rather than WebGPU\.\s+This browser offers WebGPU, but its WebGPU adapter \(google swiftshader\) is a software fallback: WebGPU would run on the CPU, slower than WebAssembly\.\s+To use WebGPU anyway, choose webgpu with the backend control in the header\.$/
      );
      await assertFormulaRendered(page);
      await page.waitForLoadState("networkidle");
      assertThreadedWasmAndClean(log);
      await page.context().close();
    });
  }

  for (const path of PAGES) {
    test(`/${path} runs on webgpu when asked, marked software, without the notice`, async () => {
      const {page, log} = await openPage(browser, `${site.url}${path}?backend=webgpu`, site.url);
      const shown = await badge(page);
      assert.equal(shown.backend, "webgpu", `badge: ${shown.text}`);
      assert.equal(shown.text, "backend: webgpu · software");
      assert.equal(await page.locator(".tg-notice[data-demoted]").count(), 0);
      await assertFormulaRendered(page);
      await page.waitForLoadState("networkidle");
      assert.deepEqual(log.external, [], "requests to other hosts");
      assert.deepEqual(log.errors, [], "console or page errors");
      await page.context().close();
    });
  }

  test("on a GPU (the adapter described as NVIDIA's) the site keeps webgpu first and shows no notice", async () => {
    const {page, log} = await openPage(browser, site.url, site.url, {initScript: FAKE_GPU_ADAPTER});
    const shown = await badge(page);
    assert.equal(shown.backend, "webgpu", `badge: ${shown.text}`);
    assert.equal(shown.text, "backend: webgpu");
    assert.equal(shown.fellBack, "false");
    const caption = page.locator("p", {hasText: "on webgpu"});
    await caption.waitFor({timeout: 120_000});
    assert.equal(await page.locator(".tg-notice").count(), 0);
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("the home page's live cell draws a random tensor made on the active backend", async () => {
    const {page, log} = await openPage(browser, site.url, site.url);
    await badge(page);
    const caption = page.locator("p", {hasText: `on ${SITE_PICK}`});
    await caption.waitFor({timeout: 120_000});
    assert.match(await shownText(caption), new RegExp(`Shape \\[8, 16\\] on ${SITE_PICK}: 128 numbers`));
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

  test("a reader who prefers a dark colour scheme gets the same light page, pixel for pixel", async () => {
    // The theme is light only (color-scheme: light): no dark text on a dark page, no light figure on a dark one.
    const {page, log} = await openPage(browser, site.url, site.url);
    await badge(page);
    await page.locator("figure.tg-heatmap canvas").waitFor({timeout: 120_000});
    const light = await page.screenshot({fullPage: true});
    await page.emulateMedia({colorScheme: "dark"});
    assert.equal(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches), true);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), "light");
    assert.ok(light.equals(await page.screenshot({fullPage: true})), "the page looks the same in the dark scheme");
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("?backend=cpu forces the cpu backend and the control offers the choice", async () => {
    const {page, log} = await openPage(browser, `${site.url}?backend=cpu`, site.url);
    const shown = await badge(page);
    assert.equal(shown.backend, "cpu");
    assert.equal(shown.fellBack, "false");
    assert.equal(await page.locator(".tg-picker select").inputValue(), "cpu");
    assert.equal(await page.locator(".tg-notice[data-demoted]").count(), 0, "the reader chose: no notice");
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("the header control switches the backend and the choice is remembered", async () => {
    const {page} = await openPage(browser, site.url, site.url);
    await badge(page);
    await Promise.all([page.waitForURL(/backend=webgpu/), page.locator(".tg-picker select").selectOption("webgpu")]);
    assert.equal((await badge(page)).backend, "webgpu");
    await page.goto(site.url);
    assert.equal((await badge(page)).backend, "webgpu", "choice kept in localStorage");
    await Promise.all([page.waitForURL(/backend=auto/), page.locator(".tg-picker select").selectOption("auto")]);
    assert.equal((await badge(page)).backend, SITE_PICK);
    await page.context().close();
  });

  test("an unknown ?backend value is ignored with a notice", async () => {
    const {page, log} = await openPage(browser, `${site.url}?backend=quantum`, site.url);
    assert.equal((await badge(page)).backend, SITE_PICK);
    await page.locator(".tg-notice", {hasText: "Unknown backend “quantum”"}).waitFor();
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });
});

describe("without WebGPU", () => {
  let browser: Browser;
  before(async () => (browser = await launch({webgpu: false})));
  after(async () => browser.close());

  // One page: the fallback is the header's, the same on every page; every page computes on wasm and cpu in
  // every-page.test.ts, with its formulas and no request to another host.
  test("/01-tokens falls back from webgpu, says so, and still computes", async () => {
    const {page, log} = await openPage(browser, `${site.url}01-tokens`, site.url);
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
});

describe("on a plain static host (no COOP/COEP headers: the page is not cross-origin isolated)", () => {
  let browser: Browser;
  let plain: Site;
  before(async () => {
    plain = await serveSite({isolate: false});
    browser = await launch({webgpu: false});
  });
  after(async () => {
    await browser.close();
    await plain.close();
  });

  // The wasm backend's one-thread build has memory of its own kind (not shared): the SIMD kernels' other build runs on it.
  test("/04-block runs on wasm with one thread and the course's SIMD kernels, every cell settled", async () => {
    const {page, log} = await openPage(browser, `${plain.url}04-block?backend=wasm`, plain.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    const shown = await badge(page);
    assert.equal(shown.backend, "wasm");
    assert.equal(shown.threads, "1");
    assert.equal(shown.simd, "true", `badge: ${shown.text}`);
    const {unsettled, errors} = await settle(page, 180_000);
    assert.equal(describeUnsettled(unsettled, cellCode("04-block")), "", "cells still loading");
    assert.deepEqual(errors, [], "cells that threw");
    const wasm = log.requests.filter((url) => url.endsWith(".wasm")).map((url) => url.split("/").pop());
    assert.match(wasm.join(), /^tfjs-backend-wasm-simd\.[\w-]+\.wasm$/, "the one-thread SIMD build");
    assert.deepEqual(log.errors, [], "console or page errors");
    await page.context().close();
  });
});
