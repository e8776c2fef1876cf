// Driving chapter 8's page in the browser tests: the run's test hook, waiting on it, the settings form, a tiny run.
import type {Page} from "playwright-core";
import {readHook, waitForHook, type Hook} from "./hooks.js";

/** The run hook (TestHooks.run, set by components/training/trainer.ts). */
export type RunHook = Hook<"run">;

export async function hook(page: Page): Promise<RunHook> {
  const run = await readHook<"run", RunHook>(page, "run");
  if (!run) throw new Error("chapter 8 has not set its run hook yet");
  return run;
}

/** Waits until condition(run, arg) holds (it runs in the page: pass what it needs as arg); returns that run. */
export const until = <A = null>(page: Page, condition: (r: RunHook, arg: A) => unknown, arg?: A, timeout = 300_000) =>
  waitForHook<"run", RunHook, A>(page, "run", condition, arg, timeout);

export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const input = page.locator(`form:has(> label:text-is("${label}")) input[type=number]`);
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

/** Toy sentences, the tiny model, a short run with a large learning rate. */
export async function tinyRun(page: Page, steps: number, evalEvery = 8): Promise<void> {
  await tinyModel(page);
  await tinySettings(page, steps, evalEvery);
}

/** Toy sentences and the tiny model, once the run is timed for it and its settings form is made. */
export async function tinyModel(page: Page): Promise<void> {
  await page.locator(".tg-data-source input[value='toy sentences']").check();
  await page.locator('form:has(> label:text-is("model")) select').selectOption({index: 0});
  await page.locator("[data-name=vocab]").filter({hasText: "tokens"}).waitFor();
  // the form is made again once the run is timed for this model (sizing): wait for the tiny model's
  await page
    .locator('[data-name=sizing][data-n-layer="1"][data-n-embd="32"]')
    .waitFor({state: "attached", timeout: 120_000});
  // the settings form is made again for text data (the baby-shakespeare recipe: batch 12): set the numbers once it is
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll("form")]
        .find((form) => [...form.children].some((c) => c.tagName === "LABEL" && c.textContent === "batch size B"))
        ?.querySelector<HTMLInputElement>("input[type=number]")?.value === "12",
    null,
    {timeout: 60_000}
  );
}

/** The tiny model's run: steps steps of batches of 4, a large constant learning rate. */
export async function tinySettings(page: Page, steps: number, evalEvery = 8): Promise<void> {
  await setNumber(page, "steps N", steps);
  await setNumber(page, "batch size B", 4);
  await setNumber(page, "evaluate every", evalEvery);
  await setNumber(page, "sample every", 12);
  await page.locator('form:has(> label:text-is("peak learning rate")) select').selectOption("0.01");
  await page.locator('form:has(> label:text-is("schedule")) label:text-is("constant") input').check();
  await until(page, (r) => r.status === "ready");
}

/**
 * Opens chapter 9, picks the model whose label starts with prefix (the labels are listed if none does) and waits for
 * it to load: the tiny model of tinyRun.
 */
export async function useInChapter9(page: Page, url: string, prefix: string): Promise<void> {
  await page.goto(url + "09-generation");
  const select = page.locator('form:has(> label:text-is("model")) select');
  await select.locator("option").first().waitFor({state: "attached", timeout: 120_000});
  const labels = await select.locator("option").allInnerTexts();
  const index = labels.findIndex((l) => l.startsWith(prefix));
  if (index < 0) throw new Error(`chapter 9 offers no model "${prefix}…": ${labels.join(" | ")}`);
  await select.selectOption({index});
  await page.locator("[data-name=model]", {hasText: "1 layer × 2 heads"}).waitFor();
}
