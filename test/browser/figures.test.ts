// Readable figures on chapters 3–7, measured in the built site on wasm in a narrow window (600 px) and, for chapter
// 6's tables, at common desktop widths: never-negative quantities on sequential colour scales; a bar chart's rule
// label beside the bars, not on them; every shape-flow operation on the line of the box it leads on from (no row
// begins with an orphaned operation); colour-legend ticks that never overlap; chapter 4's MLP maps with a row of at
// least a label's height per token; chapter 6's tables within their column with no cell clipped.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {assertNoCellErrors, badge, siteSession} from "./harness.js";

const session = siteSession({webgpu: false});

/** The page at PATH on wasm, its window WIDTH px wide, once no cell is loading. */
async function openAt(path: string, width: number) {
  const opened = await session.open(`${path}${path.includes("?") ? "&" : "?"}backend=wasm`, {
    viewport: {width, height: 900}
  });
  assert.equal((await badge(opened.page)).backend, "wasm");
  await opened.page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0, null, {
    timeout: 120_000
  });
  return opened;
}

/** Bars of chart NAME that the rule's label overlaps, and whether the label lies inside the chart (not cut off). */
async function ruleLabel(page: Page, name: string): Promise<{label: string; hits: number; inside: boolean}> {
  const chart = page.locator(`figure[data-name='${name}'] svg`).first();
  await chart.waitFor();
  return chart.evaluate((svg) => {
    const label = svg.querySelector(".tg-rule-label")!;
    const r = label.getBoundingClientRect();
    const box = svg.getBoundingClientRect();
    const hits = [...svg.querySelectorAll("rect.tg-bar")].filter((bar) => {
      const b = bar.getBoundingClientRect();
      return b.width > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
    }).length;
    return {label: label.textContent ?? "", hits, inside: r.left >= box.left && r.right <= box.right + 0.5};
  });
}

/** Operations of flow NAME not on the line of their box, left of it or wrapped below it (none, if readable). */
async function orphanedOperations(page: Page, name: string): Promise<string[]> {
  const flow = page.locator(`figure[data-name='${name}']`);
  await flow.waitFor();
  return flow.evaluate((figure) =>
    [...figure.querySelectorAll("li")].flatMap((li) => {
      const arrow = li.querySelector(".tg-flow-arrow");
      if (!arrow) return [];
      const [a, b] = [arrow.getBoundingClientRect(), li.querySelector(".tg-flow-box")!.getBoundingClientRect()];
      const middle = (a.top + a.bottom) / 2;
      return middle > b.top && middle < b.bottom && a.left >= b.right ? [] : [arrow.textContent ?? ""];
    })
  );
}

/** How many rows a flow NAME takes on screen: a narrow window must wrap it for the check above to mean anything. */
const flowRows = (page: Page, name: string): Promise<number> =>
  page
    .locator(`figure[data-name='${name}'] .tg-flow-box`)
    .evaluateAll((boxes) => new Set(boxes.map((b) => Math.round(b.getBoundingClientRect().top))).size);

/** Neighbouring colour-legend tick labels on screen that overlap, over every legend shown (none, if readable). */
const overlappingTicks = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll(".tg-legend")].flatMap((legend) => {
      const ticks = [...legend.querySelectorAll(".tick text")].map((t) => ({
        t: t.textContent,
        r: t.getBoundingClientRect()
      }));
      const name = legend.closest<HTMLElement>("figure")?.dataset.name;
      return ticks.slice(1).flatMap((b, i) => (ticks[i].r.right > b.r.left ? [`${name}: ${ticks[i].t}|${b.t}`] : []));
    })
  );

const scaleOf = (page: Page, selector: string): Promise<string[]> =>
  page.locator(selector).evaluateAll((maps) => maps.map((m) => (m as HTMLElement).dataset.scale ?? ""));

describe("readable figures, chapters 3–7", () => {
  test("chapter 3: attention weights on a sequential scale, 'uniform 1/T' beside the bars, the flow wraps by boxes", async () => {
    const {page, log} = await openAt("03-attention", 600);
    assert.deepEqual(await scaleOf(page, "figure[data-name=att]"), ["sequential"]);
    const heads = await scaleOf(page, "figure[data-name=heads] figure.tg-heatmap");
    assert.ok(heads.length >= 2 && heads.every((s) => s === "sequential"), `the heads: ${heads}`);
    assert.deepEqual(await scaleOf(page, "figure[data-name=scores]"), ["diverging"], "scores are signed");
    for (const name of ["unscaled", "scaled"]) {
      assert.deepEqual(await ruleLabel(page, name), {label: "uniform 1/T", hits: 0, inside: true}, name);
    }
    assert.ok((await flowRows(page, "flow")) >= 2, "600 px wraps the flow");
    assert.deepEqual(await orphanedOperations(page, "flow"), []);
    assert.deepEqual(await overlappingTicks(page), [], "legend ticks apart");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("chapter 4: the MLP maps keep a labelled row per token, dropout's weights are sequential, the flow wraps by boxes", async () => {
    const {page, log} = await openAt("04-block", 600);
    for (const name of ["mlpHidden", "mlpAct"]) {
      const map = page.locator(`figure[data-name=${name}]`);
      const [cell, height, rows] = await Promise.all(
        ["data-cell", "data-cell-height", "data-rows"].map(async (a) => Number(await map.getAttribute(a)))
      );
      assert.ok(height >= 11, `${name}: rows ${height} px tall, a 10 px label each`);
      assert.ok(height > cell, `${name}: wide and short cells, not squashed rows (${cell} × ${height})`);
      assert.equal(rows, 16, `${name}: one row per token`);
    }
    assert.deepEqual(await scaleOf(page, "figure[data-name=dropout]"), ["sequential"]);
    assert.ok((await flowRows(page, "flow")) >= 2, "600 px wraps the flow");
    assert.deepEqual(await orphanedOperations(page, "flow"), []);
    assert.deepEqual(await overlappingTicks(page), [], "legend ticks apart");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("chapter 5: '1/V' and 'ln V' beside the bars, the model's flow wraps by boxes", async () => {
    const {page, log} = await openAt("05-model", 600);
    const probs = await ruleLabel(page, "lastProbs");
    assert.match(probs.label, /^1\/V = 0\.\d{3}$/);
    assert.deepEqual([probs.hits, probs.inside], [0, true]);
    const losses = await ruleLabel(page, "losses");
    assert.match(losses.label, /^ln V = \d\.\d\d$/);
    assert.deepEqual([losses.hits, losses.inside], [0, true]);
    assert.ok((await flowRows(page, "flow")) >= 2, "600 px wraps the flow");
    assert.deepEqual(await orphanedOperations(page, "flow"), []);
    assert.deepEqual(await overlappingTicks(page), [], "legend ticks apart");
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  for (const width of [768, 1024, 1280]) {
    test(`chapter 6 at ${width} px: the component, preset and memory tables fit their column, no cell clipped`, async () => {
      const {page, log} = await openAt("06-parameters", width);
      for (const name of ["components", "presets", "memory"]) {
        const fit = await page.locator(`figure[data-name=${name}]`).evaluate((figure) => ({
          table: figure.querySelector("table")!.getBoundingClientRect().width,
          column: figure.getBoundingClientRect().width,
          clipped: [...figure.querySelectorAll<HTMLElement>("th, td")]
            .filter((c) => c.scrollWidth > c.clientWidth + 1)
            .map((c) => c.textContent),
          headings: [...figure.querySelectorAll("th")].map((th) => th.textContent)
        }));
        assert.ok(fit.table <= fit.column + 0.5, `${name}: ${fit.table} px in a ${fit.column} px column`);
        assert.deepEqual(fit.clipped, [], name);
        if (name === "presets") assert.ok(fit.headings.includes("training state"));
        if (name === "memory") assert.ok(fit.headings.includes("MB"));
      }
      assert.deepEqual(log.errors, []);
      await assertNoCellErrors(page);
      await page.context().close();
    });
  }

  test("chapter 7: '1/V', 'ln V' and 'c' beside the bars, legend ticks apart in every stage", async () => {
    const {page, log} = await openAt("07-training-step", 600);
    for (const [stage, name, label] of [
      [1, "targetProbs", "1/V"],
      [2, "exampleLoss", "ln V"],
      [4, "clip", "c"]
    ] as const) {
      await page.locator(`.tg-stepper button[data-stage="${stage}"]`).click();
      await page.locator(`.tg-stage[data-stage="${stage}"]`).waitFor({state: "visible"});
      assert.deepEqual(await ruleLabel(page, name), {label, hits: 0, inside: true}, name);
    }
    for (let stage = 0; stage < 7; stage++) {
      await page.locator(`.tg-stepper button[data-stage="${stage}"]`).click();
      await page.locator(`.tg-stage[data-stage="${stage}"]`).waitFor({state: "visible"});
      assert.deepEqual(await overlappingTicks(page), [], `legend ticks apart in stage ${stage + 1}`);
    }
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
