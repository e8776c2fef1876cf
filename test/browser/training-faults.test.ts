// Chapter 8 when things go wrong mid-run, through the built site on WebGPU (SwiftShader, asked for): the real GPUDevice
// is destroyed while training (the run stops, the page goes on on wasm, next in the order for a software adapter, with
// the model of the last CPU copy, which saves and loads), and the tab is reloaded mid-run (the run's autosave is offered and loads at its step, and chapter
// 9 offers it too).
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {readFile} from "node:fs/promises";
import {badge, shownText, siteSession, SKIP_AHEAD} from "./harness.js";
import {inPage, waitForHook} from "./hooks.js";
import {hook, setNumber, tinyRun, until, useInChapter9} from "./trainingPage.js";

const session = siteSession({webgpu: true});

/** TF.js as chapter 8 exposes it (TestHooks.tf), as far as these tests reach into it. */
type Tf = {backend(): {device: {destroy(): void}}; getBackend(): string};

describe("chapter 8 · faults mid-run", () => {
  test("a WebGPU device destroyed mid-run: the run stops, the copied model is restored on wasm, saves and loads", async () => {
    const {page, log} = await session.open("08-training?backend=webgpu");
    assert.equal((await badge(page)).backend, "webgpu");
    await tinyRun(page, 200, 4);
    await page.locator("[data-name=run] button[data-action=start]").click();
    await until(page, (r) => r.copied !== null && r.copied >= 4 && r.step > r.copied);
    const lostAt = await inPage(page, (hooks) => {
      const {copied, step} = hooks.run as {copied: number; step: number};
      (hooks.tf as Tf).backend().device.destroy();
      return {copied, step};
    });
    await until(page, (r) => r.status === "stopped" && /device was lost/.test(r.message ?? ""), null, 120_000);
    const run = await hook(page);
    const said =
      /^The webgpu device was lost at step (\d+); the model from step (\d+) is restored on wasm: Save it, or Start to continue\.$/.exec(
        run.message ?? ""
      );
    assert.ok(said, `the message: ${run.message}`);
    const [reached, kept] = [Number(said[1]), Number(said[2])];
    assert.equal(run.step, kept, "the page shows the restored model's step");
    assert.equal(run.copied, kept, "the restored model is the latest CPU copy");
    assert.ok(kept >= lostAt.copied && kept <= reached && reached >= lostAt.step, JSON.stringify({lostAt, reached}));
    assert.equal(await inPage(page, (hooks) => (hooks.tf as Tf).getBackend()), "wasm");
    await page.locator("[data-name=progress]", {hasText: `the model from step ${kept} is restored on wasm`}).waitFor();
    await page.locator(".tg-notice", {hasText: "The webgpu device was lost"}).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-name=checkpoints] button[data-action=save]").click()
    ]);
    assert.equal(download.suggestedFilename(), `tinygpt-the-toy-sentences-step${kept}.safetensors`);
    await page.locator("[data-name=checkpoints][data-result=ok]").waitFor();
    const file = {name: download.suggestedFilename(), mimeType: "application/octet-stream"};
    const buffer = await readFile(await download.path());
    await page.locator("[data-name=checkpoints] input[type=file]").setInputFiles({...file, buffer});
    await page
      .locator("[data-name=checkpoints] [role=status]", {hasText: `Loaded ${download.suggestedFilename()}`})
      .waitFor();
    await until(page, (r, kept) => r.probe !== null && r.step === kept && r.status === "ready", kept);

    await setNumber(page, "steps N", kept + 2);
    await page.locator("[data-name=run] button[data-action=start]").click();
    const {losses} = await until(page, (r, end) => r.status === "finished" && r.step === end, kept + 2);
    assert.ok(losses.length === 2 && losses.every(Number.isFinite), `losses on wasm: ${losses}`);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await page.context().close();
  });

  // long enough that the run is still going at its first timed autosave on any backend
  const LONG_RUN = 50_000;
  test("a tab reloaded mid-run offers the run's autosave, which loads at its step", async () => {
    // the page's clock is moved on by the autosave's 30 s once the run is going, rather than waited for
    const {page, log} = await session.open("08-training", {initScript: SKIP_AHEAD});
    await badge(page);
    await tinyRun(page, LONG_RUN, 4);
    await page.locator("[data-name=run] button[data-action=start]").click();
    await until(page, (r) => r.status === "running" && r.step >= 1);
    await page.evaluate(() => (window as unknown as {__skipAhead(ms: number): void}).__skipAhead(30_000));
    const autosaved = await waitForHook(page, "autosave", (a) => "step" in a && a.step > 0, null, 300_000);
    const first = "step" in autosaved ? autosaved.step : 0;
    assert.ok(first > 0 && (await hook(page)).status === "running", "autosaved while running");
    await page.reload();
    await badge(page);
    await tinyRun(page, LONG_RUN, 4);
    const offer = page.locator("[data-name=checkpoints] button[data-action=load-autosave]");
    const said = /^Resume the run from step ([\d,]+) \(the toy sentences in characters\), autosaved \d\d:\d\d$/.exec(
      await shownText(offer)
    );
    assert.ok(said, await shownText(offer));
    const shown = said[1]; // as the reader reads it: 1,372
    const step = Number(shown.replaceAll(",", ""));
    assert.ok(step >= first, `offered step ${step}, autosaved ${first} before the reload`);
    await offer.click();
    await page
      .locator("[data-name=checkpoints] [role=status]", {hasText: `Loaded the autosave at step ${step}`})
      .waitFor();
    await until(page, (r, step) => r.probe !== null && r.step === step, step);
    assert.match(
      await shownText(page.locator("[data-name=run] button[data-action=start]")),
      new RegExp(`^Continue to step ${LONG_RUN}$`)
    );

    await useInChapter9(page, session.site.url, `your last run (autosaved) · step ${shown} · the toy sentences`);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await page.context().close();
  });
});
