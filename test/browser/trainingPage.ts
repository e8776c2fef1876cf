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
  await setNumber(page, "steps N", steps);
  await setNumber(page, "batch size B", 4);
  await setNumber(page, "evaluate every", evalEvery);
  await setNumber(page, "sample every", 12);
  await page.locator('form:has(> label:text-is("peak learning rate")) select').selectOption("0.01");
  await page.locator('form:has(> label:text-is("schedule")) label:text-is("constant") input').check();
  await until(page, "r.status === 'ready'");
}
