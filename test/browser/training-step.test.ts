// Chapter 7 through the built site on its own pick (SITE_PICK), and on wasm and cpu: the stepper walks the seven stages
// by keyboard and by click, its chips are the stage sections' headings, the default step lowers the loss on its
// batch, accumulating k = 2 micro-batches shows and trains on 2·B sequences, and every tensor a step or a run
// allocates is released.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {assertNoCellErrors, badge, SITE_PICK, shownText, siteSession} from "./harness.js";
import {waitForHook} from "./hooks.js";

const session = siteSession({webgpu: true});

/** The inspected step (TestHooks.step, set by components/step/stepSession.ts) as these tests read it. */
type StepHook = {
  t: number;
  draw: number;
  B: number;
  T: number;
  micro: number;
  loss: number;
  lossAfter: number;
  tensorsBefore: number;
  tensorsAfter: number;
};

/** Waits for an inspected step for which condition(step, arg) holds (it runs in the page), and returns it. */
function step<A = null>(page: Page, condition: (s: StepHook, arg: A) => unknown = () => true, arg?: A) {
  return waitForHook<"step", StepHook, A>(page, "step", condition, arg);
}

/** The stage the stepper is at, and the only stage section on show. */
async function shown(page: Page): Promise<{stepper: number; visible: string[]}> {
  return page.evaluate(() => ({
    stepper: Number(document.querySelector<HTMLElement>(".tg-stepper")!.dataset.stage),
    visible: [...document.querySelectorAll<HTMLElement>(".tg-stage")]
      .filter((s) => !s.hidden)
      .map((s) => s.dataset.stage!)
  }));
}

/** The matrix a heatmap figure[data-name=NAME] drew. */
const matrixOf = (page: Page, name: string): Promise<number[][]> =>
  page
    .locator(`figure[data-name='${name}']`)
    .evaluate((f) => (f as HTMLElement & {matrix: number[][]}).matrix.map((row) => [...row]));

/** The numbers a hook() cell set on [data-name=NAME]. */
const dataOf = (page: Page, name: string): Promise<Record<string, number>> =>
  page
    .locator(`[data-name='${name}']`)
    .evaluate((e) => Object.fromEntries(Object.entries((e as HTMLElement).dataset).map(([k, v]) => [k, Number(v)])));

/** Pairs of neighbouring legend tick labels of heatmap NAME that overlap on screen (none, if readable). */
const ticksApart = (page: Page, name: string): Promise<string[]> =>
  page.locator(`figure[data-name='${name}'] .tg-legend`).evaluate((legend) => {
    const texts = [...legend.querySelectorAll(".tick text")].map((t) => ({
      t: t.textContent,
      r: t.getBoundingClientRect()
    }));
    return texts.slice(1).flatMap((b, i) => (texts[i].r.right > b.r.left - 2 ? [`${texts[i].t}|${b.t}`] : []));
  });

async function expectStage(page: Page, stage: number): Promise<void> {
  await page.waitForFunction(
    (k) => document.querySelector<HTMLElement>(".tg-stepper")?.dataset.stage === String(k),
    stage
  );
  await page.waitForFunction(
    (k) =>
      [...document.querySelectorAll<HTMLElement>(".tg-stage")].every(
        (s) => s.hidden === (s.dataset.stage !== String(k))
      ),
    stage
  );
  assert.deepEqual(await shown(page), {stepper: stage, visible: [String(stage)]});
}

describe("chapter 7 · one training step", () => {
  test("the stepper walks all seven stages by keyboard", async () => {
    const {page, log} = await session.open("07-training-step");
    assert.equal((await badge(page)).backend, SITE_PICK);
    await step(page);
    await expectStage(page, 0);
    const stages = await page.evaluate(() => ({
      chips: [...document.querySelectorAll(".tg-stepper-stages button")].map((b) => b.textContent),
      headings: [...document.querySelectorAll(".tg-stage")].map((s) => s.querySelector("h3")!.textContent!.trim())
    }));
    assert.equal(stages.chips.length, 7);
    assert.deepEqual(stages.chips, stages.headings, "the stepper's chips are the sections' headings");
    await page.locator("h1").click(); // focus on the page, outside any form field
    for (let k = 1; k <= 6; k++) {
      await page.keyboard.press("ArrowRight");
      await expectStage(page, k);
      assert.ok(
        await page
          .locator(`.tg-stage[data-stage="${k}"] .katex, .tg-stage[data-stage="${k}"] figure`)
          .first()
          .isVisible()
      );
    }
    await page.keyboard.press("ArrowRight");
    await expectStage(page, 6);
    await page.keyboard.press("ArrowLeft");
    await expectStage(page, 5);
    await page.keyboard.press("r");
    await expectStage(page, 0);
    await page.keyboard.press("End");
    await expectStage(page, 0);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the stepper walks all seven stages by click, and a new batch recomputes the step", async () => {
    const {page, log} = await session.open("07-training-step");
    await badge(page);
    const first = await step(page);
    const next = page.locator(".tg-stepper button[data-action=next]");
    for (let k = 1; k <= 6; k++) {
      await next.click();
      await expectStage(page, k);
    }
    assert.ok(await next.isDisabled(), "no stage after the last");
    await page.locator(".tg-stepper button[data-action=previous]").click();
    await expectStage(page, 5);
    for (let k = 0; k <= 6; k++) {
      await page.locator(`.tg-stepper button[data-stage="${k}"]`).click();
      await expectStage(page, k);
    }
    await page.locator(".tg-stepper button[data-action=restart]").click();
    await expectStage(page, 0);
    await page.locator(".tg-stepper button[data-action=batch]").click();
    const another = await step(page, (s) => s.draw === 1);
    assert.notEqual(another.loss, first.loss, "another batch, another loss");
    await expectStage(page, 0);
    await page.keyboard.press("n");
    await step(page, (s) => s.draw === 2);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("with the default settings the loss falls, and steps and runs release every tensor they make", async () => {
    const {page, log} = await session.open("07-training-step");
    await badge(page);
    const first = await step(page);
    assert.equal(first.t, 1);
    assert.ok(first.lossAfter < first.loss, `loss ${first.loss} → ${first.lossAfter}`);
    assert.equal(first.tensorsAfter, first.tensorsBefore, "tensors left behind by the step");
    const verdict = page.locator("[data-name=verdict]");
    assert.equal(Number(await verdict.getAttribute("data-loss-after")), first.lossAfter);
    await page.locator('.tg-stepper button[data-stage="6"]').click(); // the verdict closes the last stage
    await expectStage(page, 6);
    const said = await shownText(verdict);
    assert.match(said, /went down by/);
    assert.doesNotMatch(said, /went up/, "only the verdict that holds is shown");

    await page.locator("button", {hasText: "Run 10 more steps"}).click();
    const training = await waitForHook(page, "training", (t) => t.steps === 10);
    assert.equal(training.losses.length, 10);
    assert.equal(training.tensorsAfter, training.tensorsBefore, "tensors left behind by the run");
    const later = await step(page, (s) => s.t === 11);
    assert.equal(later.tensorsAfter, later.tensorsBefore);
    assert.equal(later.tensorsBefore, first.tensorsBefore, "the session holds as many tensors as before the run");
    await page.locator("[data-name=trend] path.tg-curve").first().waitFor();
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the addition task shows its ignored targets, and a changed setting recomputes the same step", async () => {
    const {page, log} = await session.open("07-training-step");
    await badge(page);
    await step(page);
    await page.locator('form:has(> label:text-is("train on")) label:text-is("addition") input').check();
    const addition = await step(page, (s) => s.T === 11);
    assert.equal(await page.locator("[data-name=batch] td.tg-ignored").count(), 7 * 4);
    await page.locator('form:has(> label:text-is("learning rate")) select').selectOption("0.01");
    const faster = await step(page, (s, a) => s.loss === a.loss && s.lossAfter !== a.lossAfter, addition);
    assert.equal(faster.t, 1, "the same step from the same weights");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("accumulating k = 2 micro-batches (on wasm) shows 2·B rows in two micro-batches and still lowers the loss", async () => {
    const {page, log} = await session.open("07-training-step?backend=wasm");
    assert.equal((await badge(page)).backend, "wasm");
    const first = await step(page);
    assert.equal(first.micro, 1);
    const k = page.locator('form:has(> label:text-is("accumulate k")) input[type=number]');
    await k.fill("2"); // one input event: one new setting, one inspection
    const accumulated = await step(page, (s) => s.micro === 2);
    assert.equal(accumulated.B, first.B, "B sequences per micro-batch");
    assert.equal(accumulated.t, 1, "the same update, from the same weights");
    assert.ok(accumulated.lossAfter < accumulated.loss, `loss ${accumulated.loss} → ${accumulated.lossAfter}`);
    assert.equal(accumulated.tensorsAfter, accumulated.tensorsBefore, "tensors left behind by the step");
    const batch = page.locator("[data-name=batch]");
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-name=batch]")?.dataset.micro === "2");
    assert.equal(Number(await batch.getAttribute("data-rows")), 2 * first.B);
    const perMicro = await batch
      .locator("tbody")
      .evaluateAll((bodies) => bodies.map((body) => body.querySelectorAll("tr.tg-batch-x").length));
    assert.deepEqual(perMicro, [first.B, first.B], "two micro-batches of B rows");
    const second = batch.locator("tr.tg-batch-micro").nth(1);
    assert.ok(await second.isVisible(), "the second micro-batch's heading");
    assert.match(
      (await second.textContent()) ?? "",
      new RegExp(`^micro-batch 2 of 2 · examples ${first.B}–${2 * first.B - 1}$`)
    );
    await page.locator("[data-name=perUpdate][data-sequences='8']").waitFor();
    await page.locator('.tg-stepper button[data-stage="2"]').click();
    await expectStage(page, 2);
    const weighted = page.locator('.tg-stage[data-stage="2"] [data-when=accumulated]');
    assert.match(await shownText(weighted), /share of the scored targets/);
    assert.ok(await weighted.locator(".katex").first().isVisible(), "the weighted-sum formula");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  for (const backend of ["webgpu", "webgl"]) {
    test(`the backward stage on ${backend}: ∂ℓ/∂logits = softmax − one-hot, the head's product backward equal to autodiff, q and k explained`, async () => {
      const {page, log} = await session.open(`07-training-step?backend=${backend}`);
      assert.equal((await badge(page)).backend, backend);
      const first = await step(page);
      await page.locator('.tg-stepper button[data-stage="3"]').click();
      await expectStage(page, 3);
      const dlogits = await matrixOf(page, "dlogits");
      assert.equal(dlogits.length, first.T);
      for (const [t, row] of dlogits.entries()) {
        const negative = row.filter((g) => g < 0);
        assert.equal(negative.length, 1, `position ${t}: one target, p − 1 < 0`);
        assert.ok(negative[0] > -1, `position ${t}: p − 1 > −1`);
        assert.ok(Math.abs(row.reduce((a, g) => a + g, 0)) < 1e-5, `position ${t}: a row sums to 0`);
      }
      const check = await dataOf(page, "headCheck");
      assert.ok(check.maxW > 1e-3 && check.maxX > 1e-6, JSON.stringify(check));
      assert.ok(check.diffW <= 1e-3 * check.maxW, `∂L/∂W: ${check.diffW} against ${check.maxW}`);
      assert.ok(check.diffX <= 1e-3 * check.maxX, `∂L/∂x: ${check.diffX} against ${check.maxX}`);
      assert.match(await shownText(page.locator("[data-name=headCheck]")), /autodiff, on \w+, agrees/);
      const [dW, dX] = [await matrixOf(page, "head.dW"), await matrixOf(page, "head.dX")];
      assert.deepEqual([dW.length, dW[0].length], [16, dlogits[0].length], "∂L/∂W is C × V");
      assert.deepEqual([dX.length, dX[0].length], [first.T, 16], "∂L/∂x of one example is T × C");
      const qkv = await dataOf(page, "qkv");
      assert.ok(qkv.v > 0 && qkv.q < qkv.v / 10 && qkv.k < qkv.v / 10, JSON.stringify(qkv));
      assert.match(await shownText(page.locator("[data-name=qkv]")), /attention is nearly uniform/);
      assert.deepEqual(log.errors, []);
      await assertNoCellErrors(page);
      await page.context().close();
    });
  }

  test("colour scales fit their quantities: the loss grid spans its own spread, v is sequential with ticks apart", async () => {
    const {page, log} = await session.open("07-training-step?backend=wasm");
    await badge(page);
    await step(page);
    await page.locator('.tg-stepper button[data-stage="2"]').click();
    await expectStage(page, 2);
    const losses = page.locator("[data-name=losses]");
    const grid = (await matrixOf(page, "losses")).flat().filter((l) => !Number.isNaN(l));
    const [lo, hi] = [Math.min(...grid), Math.max(...grid)];
    assert.equal(await losses.getAttribute("data-scale"), "sequential");
    assert.equal(Number(await losses.getAttribute("data-lower")), lo, "the scale starts at the smallest loss, not 0");
    assert.equal(Number(await losses.getAttribute("data-extent")), hi);
    assert.ok(hi - lo < 1, `a fresh model's losses lie close together: ${lo}…${hi}`);
    assert.deepEqual(await ticksApart(page, "losses"), []);
    assert.match(await shownText(page.locator(".tg-stage[data-stage='2']")), /run from the batch's smallest loss/);
    await page.locator('.tg-stepper button[data-stage="5"]').click();
    await expectStage(page, 5);
    assert.equal(await page.locator("[data-name='adam.v']").getAttribute("data-scale"), "sequential");
    assert.equal(await page.locator("[data-name='adam.m']").getAttribute("data-scale"), "diverging");
    const ticks = await page.locator("[data-name='adam.v'] .tg-legend .tick text").allTextContents();
    assert.ok(ticks.length <= 3 && ticks.every((t) => t.length <= 7), `few short ticks: ${ticks.join(" ")}`);
    assert.deepEqual(await ticksApart(page, "adam.v"), []);
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("a 1-character sample text is refused in place, naming the field, and the page still takes its step", async () => {
    const {page, log} = await session.open("07-training-step?backend=wasm&text=a");
    await badge(page);
    await step(page);
    const refusal = page.locator("[data-name=corpusProblem]");
    assert.ok(await refusal.isHidden(), "nothing to refuse while the toy sentences are chosen");
    await page.locator('form:has(> label:text-is("train on")) label:text-is("your sample text") input').check();
    await refusal.waitFor({state: "visible"});
    assert.match(
      await shownText(refusal),
      /^Not trained on your sample text: sample text has 1 character; .*at least 2/
    );
    const note = page.locator("[data-name=session]");
    assert.match(await shownText(note), /^A fresh model: \d\d tokens/, "the step below runs on the toy sentences");
    await page.locator("form.tg-model [name=text]").fill("abab");
    await refusal.waitFor({state: "hidden"});
    await step(page, (s) => s.T === 3);
    assert.match(
      await shownText(note),
      /^A fresh model: 2 tokens, sequences of T = 3/,
      "the sample text, once long enough"
    );
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("on cpu the default step lowers the loss and releases every tensor", async () => {
    const {page, log} = await session.open("07-training-step?backend=cpu");
    assert.equal((await badge(page)).backend, "cpu");
    const first = await step(page);
    assert.ok(first.lossAfter < first.loss, `loss ${first.loss} → ${first.lossAfter}`);
    assert.equal(first.tensorsAfter, first.tensorsBefore, "tensors left behind by the step");
    await page.locator("[data-name=losses]").waitFor({state: "attached"});
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
