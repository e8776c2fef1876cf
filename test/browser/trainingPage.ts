// Driving chapter 8's page in the browser tests: the run's test hook, waiting on it, the settings form, a tiny run.
import type {Page} from "playwright-core";

export interface RunHook {
  status: string;
  step: number;
  losses: number[];
  valLosses: number[];
  memory: {step: number; numTensors: number}[];
  probe: number | null;
  message: string | null;
  copied: number | null;
}

export const hook = (page: Page): Promise<RunHook> =>
  page.evaluate(() => (window as unknown as {__tinygpt: {run: RunHook}}).__tinygpt.run);

export const until = (page: Page, condition: string, timeout = 300_000) =>
  page.waitForFunction(`(r => r && (${condition}))(window.__tinygpt?.run)`, null, {timeout});

export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const input = page.locator(`form:has(> label:text-is("${label}")) input[type=number]`);
  await input.fill(String(value));
  await input.dispatchEvent("input");
}

/** Toy sentences, the tiny model, a short run with a large learning rate. */
export async function tinyRun(page: Page, steps: number, evalEvery = 8): Promise<void> {
  await page.locator(".tg-data-source input[value='toy sentences']").check();
  await page.locator('form:has(> label:text-is("model")) select').selectOption({index: 0});
  await page.locator("[data-name=vocab]").filter({hasText: "tokens"}).waitFor();
  // the settings form is made again for text data (recipe(false): batch 12): set the numbers only once it has been
  const batch = page.locator(`form:has(> label:text-is("batch size B")) input[type=number]`);
  for (let waited = 0; (await batch.inputValue()) !== "12"; waited += 100) {
    if (waited > 60_000) throw new Error(`the settings form still shows batch ${await batch.inputValue()}`);
    await page.waitForTimeout(100);
  }
  await setNumber(page, "steps N", steps);
  await setNumber(page, "batch size B", 4);
  await setNumber(page, "evaluate every", evalEvery);
  await setNumber(page, "sample every", 12);
  await page.locator('form:has(> label:text-is("peak learning rate")) select').selectOption("0.01");
  await page.locator('form:has(> label:text-is("schedule")) label:text-is("constant") input').check();
  await until(page, "r.status === 'ready'");
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
