// Chapter 8's over-fitting demonstration on wasm: its own run of the small model on the toy sentences, beside the
// page's model; the validation loss turns up while the training loss keeps falling, and the page says where.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {badge, shownText, siteSession} from "./harness.js";
import {waitForHook} from "./hooks.js";
import type {RunHook} from "./trainingPage.js";

const session = siteSession({webgpu: false});

describe("chapter 8 · over-fitting, on purpose", () => {
  test("the demonstration's run parts the curves: validation loss turns up, training loss falls on", async () => {
    const {page, log} = await session.open("08-training?backend=wasm");
    assert.equal((await badge(page)).backend, "wasm");
    await page.locator("[data-name=overfitRun] button[data-action=start]").click();
    const run = await waitForHook<"overfit", RunHook, null>(
      page,
      "overfit",
      (r) => r.status === "finished",
      null,
      600_000
    );
    assert.equal(run.step, 300);
    assert.equal(run.valLosses.length, 31, "evaluated at step 0 and every 10 steps");
    const best = Math.min(...run.valLosses);
    const last = run.valLosses.at(-1)!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bestAt = run.valLosses.indexOf(best) * 10;
    assert.ok(last > best + 0.1, `validation loss: lowest ${best} at step ${bestAt}, ${last} at the end`);
    const trainNearBest = mean(run.losses.slice(Math.max(0, bestAt - 10), bestAt));
    assert.ok(mean(run.losses.slice(-10)) < trainNearBest - 0.05, "the training loss fell on after the parting");
    assert.match(
      await shownText(page.locator("[data-name=overfit]")),
      new RegExp(`^The validation loss was lowest, ${best.toFixed(2)} at step ${bestAt} .* higher, while the training`)
    );
    assert.equal(
      await page.evaluate(() => (window as {__tinygpt?: {run?: {step: number}}}).__tinygpt?.run?.step),
      0,
      "the page's own model did not train"
    );
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });
});
