// Chapter 8 through the built site on its own pick (SITE_PICK): a tiny model trains on the toy sentences in the page
// (the loss falls, the charts draw, tensors stay flat, the page stays responsive), pause/resume keep the step,
// stop ends the run; a saved checkpoint is offered after a reload (and in chapter 9) and loads with identical outputs;
// a corrupt file is refused and the model kept; a text is fetched from a URL (the local server) only on request.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {badge, SITE_PICK, type PageLog, shownText, siteSession} from "./harness.js";
import {inPage, waitForHook} from "./hooks.js";
import {hook, setNumber, tinyRun, until, useInChapter9} from "./trainingPage.js";

const session = siteSession({webgpu: true});

let page: Page;
let log: PageLog;

describe("chapter 8 · training in the browser", () => {
  test("a tiny model trains on the toy sentences: the loss falls, charts draw, tensors stay flat", async () => {
    ({page, log} = await session.open("08-training"));
    assert.equal((await badge(page)).backend, SITE_PICK);
    await tinyRun(page, 24);
    await page.locator("[data-name=run] button[data-action=start]").click();
    await until(page, (r) => r.status === "running" && r.step >= 2);
    await page.locator("[data-name=run] button[data-action=pause]").click();
    const paused = (await until(page, (r) => r.status === "paused")).step;
    // a paused loop parks between two steps: the model is then copied, and the copy autosaved, at the parked step
    const parked = (await until(page, (r) => r.status === "paused" && r.copied === r.step)).step;
    await waitForHook(page, "autosave", (saved, step) => "step" in saved && saved.step === step, parked);
    assert.ok(parked - paused <= 1, "a paused run takes at most the step in flight");
    const held = await hook(page);
    assert.deepEqual([held.status, held.step], ["paused", parked], "a parked run takes no step");
    await page.locator("[data-name=run] button[data-action=resume]").click();
    await until(page, (r, held) => r.step > held, parked);
    const run = await until(page, (r) => r.status === "finished" && r.probe !== null);
    assert.equal(run.step, 24);
    assert.equal(run.losses.length, 24, "one loss per step: pausing lost or repeated none");
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(run.losses.slice(-4)) < mean(run.losses.slice(0, 4)) - 0.2, `losses ${run.losses.join(", ")}`);
    assert.ok(run.valLosses.at(-1)! < run.valLosses[0], `val ${run.valLosses.join(", ")}`);
    const counts = run.memory.slice(1).map((m) => m.numTensors);
    assert.equal(new Set(counts).size, 1, `tensors after each evaluation: ${JSON.stringify(run.memory)}`);
    for (const name of ["loss", "gradNorm", "lr"]) {
      await page.locator(`[data-name=${name}] g[aria-label=line] path`).first().waitFor({state: "attached"});
      assert.ok(Number(await page.locator(`[data-name=${name}]`).getAttribute("data-points")) > 0, name);
    }
    assert.ok(Number(await page.locator("[data-name=samples]").getAttribute("data-count")) >= 3);
    assert.match(await shownText(page.locator("[data-name=progress]")), /finished · step 24 of 24/);

    await setNumber(page, "steps N", 1000);
    await page.locator("[data-name=run] button[data-action=start]", {hasText: "Continue to step 1000"}).click();
    await until(page, (r) => r.status === "running" && r.step >= 26);
    // watched on the long run (stopped below), so that the run cannot finish however fast the machine is
    const from = (await hook(page)).step;
    // the worst gap between 10 ms timer ticks, over at least 3 s in which the run took at least two more steps
    const {lag, steps} = await inPage(
      page,
      (hooks, from) =>
        new Promise<{lag: number; steps: number}>((resolve) => {
          const start = performance.now();
          let [last, worst] = [start, 0];
          const timer = setInterval(() => {
            [worst, last] = [Math.max(worst, performance.now() - last), performance.now()];
            const steps = (hooks.run as {step: number}).step - from;
            if ((last - start < 3000 || steps < 2) && last - start < 120_000) return;
            clearInterval(timer);
            resolve({lag: worst, steps});
          }, 10);
        }),
      from
    );
    assert.ok(steps >= 2, `the run took ${steps} steps while the page's timers were watched`);
    assert.ok(lag < 1500, `the page stopped answering for ${lag.toFixed(0)} ms during training`);

    await page.locator("[data-name=run] button[data-action=stop]").click();
    assert.ok((await until(page, (r) => r.status === "stopped" && r.probe !== null)).step < 1000);
    assert.deepEqual(log.errors, []);
  });

  test("save, reload: the checkpoint is offered and loads with identical outputs; a corrupt file is refused", async () => {
    const before = await hook(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-name=checkpoints] button[data-action=save]").click()
    ]);
    assert.match(download.suggestedFilename(), /^tinygpt-the-toy-sentences-step\d+\.safetensors$/);
    await page.locator("[data-name=checkpoints][data-result=ok]").waitFor();
    assert.match(await shownText(page.locator("[data-name=checkpoints] p")), /kept it in this browser/);

    await page.reload();
    await badge(page);
    await tinyRun(page, 24);
    const offer = page.locator("[data-name=checkpoints] button[data-action=load-saved]");
    assert.match(await shownText(offer), new RegExp(`step ${before.step} · the toy sentences`));
    await offer.click();
    const loaded = await until(page, (r, step) => r.probe !== null && r.step === step, before.step);
    assert.equal(loaded.probe, before.probe, "the loaded model gives the same loss on the same batch");

    await page.locator("[data-name=checkpoints] input[type=file]").setInputFiles({
      name: "junk.safetensors",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("this is not a safetensors file at all")
    });
    const alert = page.locator("[data-name=checkpoints] [role=alert]");
    await alert.waitFor();
    assert.equal(
      await shownText(alert),
      "Not loaded: junk.safetensors: not a safetensors file, or truncated: header length 2338328219631577204 exceeds the 29 bytes after it"
    );
    const kept = await hook(page);
    assert.deepEqual([kept.step, kept.probe], [before.step, before.probe], "the current model was kept");

    await useInChapter9(page, session.site.url, `yours · step ${before.step} · the toy sentences`);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await page.context().close();
  });

  test("a text is fetched from a URL only when asked; a failing URL is refused with the reason", async () => {
    const opened = await session.open("08-training");
    await badge(opened.page);
    const p = opened.page;
    await p.locator(".tg-data-source input[value='your text']").check();
    await p.locator(".tg-own-text button.tg-link").click();
    assert.match(await p.locator(".tg-own-text input[type=url]").inputValue(), /tinyshakespeare/);
    const url = p.locator(".tg-own-text input[type=url]");
    await url.fill(`${session.site.url}no-such-file.txt`);
    await p.locator(".tg-own-text button", {hasText: "Fetch"}).click();
    await p.locator(".tg-own-text .tg-refused", {hasText: "404"}).waitFor();
    await url.fill(`${session.site.url}index.html`);
    await p.locator(".tg-own-text button", {hasText: "Fetch"}).click();
    await p.locator(".tg-own-text [role=status]", {hasText: "Using"}).waitFor();
    await p.locator("[data-name=splits]", {hasText: "index.html"}).waitFor();
    assert.deepEqual(opened.log.external, [], "nothing fetched from another host");
    assert.deepEqual(
      opened.log.errors.filter((e) => !/404/.test(e)),
      []
    );
    await p.context().close();
  });
});
