// Chapter 11 through the built site: the counts follow the formula; LoRA and full fine-tuning of the shipped model
// run side by side and LoRA lowers the held-out loss of the new text; ΔW has rank r; the merged logits equal the
// adapted ones; a downloaded adapter reloads with identical outputs and a file that is not an adapter is refused;
// a second run leaves as many tensors as the first; axe finds nothing serious; every section works on wasm and cpu
// (the LoRA math on webgl and webgpu: determinism.test.ts).
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {makeConfig} from "../../src/gpt/config.js";
import {countParams} from "../../src/gpt/count.js";
import {LORA_TARGETS, loraCount} from "../../src/gpt/lora.js";
import {decodeSafetensors} from "../../src/gpt/safetensors.js";
import {within} from "./bounded.js";
import {assertNoCellErrors, badge, siteSession} from "./harness.js";

const session = siteSession({webgpu: false});
const dir = mkdtempSync(join(tmpdir(), "tinygpt-lora-page-"));
const shipped = decodeSafetensors(readFileSync("data/checkpoints/shakespeare.safetensors"));
const base = makeConfig(JSON.parse(shipped.metadata.config));

const data = (page: Page, name: string) =>
  page
    .locator(`[data-name="${name}"]`)
    .first()
    .evaluate((node: HTMLElement) => ({...node.dataset}));

/** Sets a numeric control of the page (the number box of an Inputs.range or Inputs.number) by its label. */
async function set(page: Page, label: string, value: number): Promise<void> {
  const input = page.getByLabel(label, {exact: true}).first();
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

/** Starts a fine-tune of steps updates and waits until both are done; returns the run's status data. */
async function fineTune(page: Page, {steps, batch, every}: {steps: number; batch: number; every: number}) {
  await set(page, "steps", steps);
  await set(page, "batch size", batch);
  await set(page, "measure every", every);
  const before = await page.locator("[data-name=runStatus]").getAttribute("data-done");
  await page.getByRole("button", {name: "Fine-tune both"}).click();
  if (before === "true") {
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>("[data-name=runStatus]")?.dataset.done !== "true"
    );
  }
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>("[data-name=runStatus]")?.dataset.done === "true",
    null,
    {timeout: 600_000}
  );
  return data(page, "runStatus");
}

/** Clicks an action button (data-name) and waits for its result. */
async function act(page: Page, name: string): Promise<string> {
  await page.locator(`[data-name=${name}] button`).click();
  await page.waitForFunction(
    (n) => document.querySelector<HTMLElement>(`[data-name=${n}]`)?.dataset.state !== "running",
    name,
    {
      timeout: 300_000
    }
  );
  return (await data(page, name)).state ?? "";
}

/** Loads a file into the reload control and waits for its message. */
async function reload(page: Page, path: string): Promise<{result: string; text: string}> {
  const box = page.locator("[data-name=reload]");
  await box.evaluate((node: HTMLElement) => delete node.dataset.result);
  await box.locator("input[type=file]").setInputFiles(path);
  await page.waitForFunction(() => {
    const node = document.querySelector<HTMLElement>("[data-name=reload]");
    return node?.dataset.result !== undefined && node.dataset.busy === undefined;
  });
  const text = (await box.locator("p").textContent()) ?? "";
  return {result: (await box.getAttribute("data-result")) ?? "", text: text.replace(/\s+/g, " ").trim()};
}

/** axe-core's serious and critical violations on the page as it is now: "id: n nodes" each. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({path: "node_modules/axe-core/axe.min.js"}); // inline: no request
  const run = page.evaluate(async () => {
    const axe = (globalThis as unknown as {axe: {run: (root: Document) => Promise<AxeResult>}}).axe;
    type AxeResult = {violations: {id: string; impact: string | null; nodes: unknown[]}[]};
    const {violations} = await axe.run(document);
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.length} nodes`);
  });
  return within(120_000, "axe-core's run on chapter 11", run);
}

const memory = (page: Page) =>
  page.evaluate(() => (globalThis as {__tinygpt?: {memory?: {numTensors: number}}}).__tinygpt?.memory?.numTensors);

describe("chapter 11 · LoRA", () => {
  test("on wasm: LoRA lowers the held-out loss; ΔW has rank r; merged = adapted; an adapter reloads exactly", async () => {
    const {page, log} = await session.open("11-lora?backend=wasm");
    assert.equal((await badge(page)).backend, "wasm");
    const row = page.locator("[data-name=counts] tr[data-id=base]");
    await row.waitFor({state: "attached", timeout: 120_000});
    const lora = {r: 4, alpha: 8, dropout: 0, targets: LORA_TARGETS, layers: null};
    assert.equal(await row.locator("td[data-key=total]").getAttribute("data-value"), String(countParams(base).total));
    assert.equal(await row.locator("td[data-key=lora]").getAttribute("data-value"), String(loraCount(base, lora)));

    const run = await fineTune(page, {steps: 6, batch: 8, every: 3});
    assert.ok(Number(run.loraLast) < Number(run.loraFirst) - 0.05, `held-out loss ${run.loraFirst} → ${run.loraLast}`);
    assert.equal(run.loraFirst, run.fullFirst, "both start from the same base");
    assert.equal(await act(page, "writeSamples"), "done");
    const written = await page.locator("[data-name=samples] pre").allTextContents();
    assert.equal(written.length, 3);
    assert.ok(
      written.every((text) => text.length >= 120),
      "120 characters each"
    );

    await page.locator("[data-name=deltaValues]").waitFor({state: "attached", timeout: 120_000});
    const sigma: number[] = JSON.parse((await data(page, "deltaValues")).values!);
    assert.ok(
      sigma.slice(0, 4).every((s) => s > 1e-3),
      `the first r: ${sigma.slice(0, 4)}`
    );
    assert.ok(
      sigma.slice(4).every((s) => s < 1e-4 * sigma[0]),
      `beyond r: ${sigma.slice(4)}`
    );

    assert.equal(await act(page, "merge"), "done");
    const merged = await data(page, "mergeResult");
    assert.ok(Number(merged.relative) <= 1e-5, `merged vs adapted: ${merged.relative}`);
    assert.deepEqual(await axeProblems(page), [], "axe: every section drawn");

    const [download] = await Promise.all([page.waitForEvent("download"), act(page, "downloadAdapter")]);
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    assert.equal(download.suggestedFilename(), "lora-r4.safetensors");
    const file = decodeSafetensors(readFileSync(path));
    assert.deepEqual(file.tensors[0].shape, [4, base.nEmbd]);
    assert.equal(file.tensors[0].name, "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight");
    const back = await reload(page, path);
    assert.equal(back.result, "ok", back.text);
    assert.match(back.text, /differ from the adapted model's here by at most 0\.$/);
    const tensors = await memory(page);

    const [mergedDownload] = await Promise.all([page.waitForEvent("download"), act(page, "downloadMerged")]);
    const mergedPath = join(dir, "merged.safetensors");
    await mergedDownload.saveAs(mergedPath);
    const refused = await reload(page, mergedPath);
    assert.equal(refused.result, "refused");
    assert.match(
      refused.text,
      /^Not loaded: merged\.safetensors: the metadata has no peft_type LORA and r: not a LoRA/
    );

    await fineTune(page, {steps: 2, batch: 4, every: 2});
    const other = await reload(page, path); // the first run's adapter: the same base, another adapter
    assert.equal(other.result, "ok", other.text);
    assert.ok(Number(other.text.match(/at most ([\d.e-]+)\.$/)?.[1]) > 0, other.text);
    await page.locator("[data-name=history] tr[data-id='2']").waitFor({state: "attached"});
    assert.equal(await memory(page), tensors, "a second run leaves as many tensors as the first");
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("every section works on cpu", async () => {
    const {page, log} = await session.open("11-lora?backend=cpu");
    assert.equal((await badge(page)).backend, "cpu");
    await page.locator("[data-name=counts]").waitFor({state: "attached", timeout: 120_000});
    assert.equal(await act(page, "merge"), "failed", "nothing to merge before a run");
    assert.equal(await page.locator("[data-name=merge] [role=alert]").textContent(), "fine-tune first");
    await page.locator("label", {hasText: "your text"}).click();
    await page.locator("textarea[name=paste]").fill("too short");
    await page.getByRole("button", {name: "Use the pasted text"}).click();
    const refusal = page.locator(".tg-own-text .tg-refused");
    assert.equal(
      await refusal.textContent(),
      "Not used: the pasted text: the text has 9 characters; give at least 2,000. Training data stays fables."
    );
    await page.locator("label", {hasText: "fables"}).click();
    const run = await fineTune(page, {steps: 2, batch: 2, every: 2});
    assert.equal(run.step, "2");
    for (const name of ["newText", "shakespeare", "w", "delta", "deltaValues", "history"]) {
      await page.locator(`[data-name="${name}"]`).first().waitFor({state: "attached", timeout: 300_000});
    }
    assert.equal(await act(page, "merge"), "done");
    assert.ok(Number((await data(page, "mergeResult")).relative) <= 1e-5);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });
});
