// Markup as the reader's text: what would run script if it were rendered as HTML, and the checks that it was not
// (hygiene.test.ts feeds it through the text boxes of chapters 1, 8 and 9; every-page.test.ts through the URL of every
// chapter with the model panel, on its cpu visit).
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {assertNoCellErrors, type PageLog, shownText} from "./harness.js";
import {within} from "./bounded.js";
import {waitForHook} from "./hooks.js";

export const PAYLOAD = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
export const KEY = `<img src=y onerror="window.__xss=3">`;
/** The query that puts PAYLOAD in the model's text and KEY as an unknown URL key. */
export const MARKUP_QUERY = `text=${encodeURIComponent(PAYLOAD)}&${encodeURIComponent(KEY)}=1`;

/**
 * Nothing the payload carries ran or became an element, and the page asked for no /x or /y image. An image made from
 * the payload (even one removed at once) starts loading when it is made, before a sentinel image made now: the checks
 * run once the sentinel has gone through the page's routing and loaded, not after a guessed delay.
 */
export async function assertInert(page: Page, log: PageLog): Promise<void> {
  await page.route("**/__sentinel-*.svg", (route) =>
    route.fulfill({contentType: "image/svg+xml", body: `<svg xmlns="http://www.w3.org/2000/svg"/>`})
  );
  const sentinel = page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const image = new Image();
        image.onload = () => resolve();
        image.onerror = () => reject(new Error("the sentinel image did not load"));
        image.src = `/__sentinel-${Date.now()}.svg`;
      })
  );
  await within(30_000, "the sentinel image's load", sentinel);
  const found = await page.evaluate(() => ({
    xss: (window as unknown as {__xss?: number}).__xss ?? null,
    images: document.querySelectorAll("img[src='x'], img[src='y'], img[onerror]").length,
    scripts: [...document.scripts].filter((s) => s.textContent?.includes("__xss")).length
  }));
  assert.deepEqual(found, {xss: null, images: 0, scripts: 0});
  assert.deepEqual(
    log.requests.filter((url) => /\/[xy]$/.test(new URL(url).pathname)),
    [],
    "the markup's image was requested"
  );
  assert.deepEqual(log.errors, []);
  await assertNoCellErrors(page);
}

/**
 * A chapter opened with MARKUP_QUERY: the model's text is the payload's characters, the text box (where the chapter
 * has one) shows them as typed, the unknown key's notice shows it as text, and nothing the markup carries ran.
 */
export async function assertUrlMarkupShownAsText(page: Page, log: PageLog): Promise<void> {
  await page.locator(".tg-model-summary").waitFor({timeout: 120_000});
  const model = await waitForHook<"model", {text: string}>(page, "model", () => true);
  assert.equal(model.text, PAYLOAD, "the model's text is the characters as given");
  const text = page.locator(`form.tg-model [name="text"]`);
  if ((await text.count()) > 0) assert.equal(await text.inputValue(), PAYLOAD, "the text box shows them as typed");
  const notice = page.locator(".tg-model .tg-notice", {hasText: "Unknown setting"});
  await notice.waitFor();
  assert.equal(await shownText(notice), `Unknown setting “${KEY}” in the URL was ignored.`);
  assert.match(await shownText(page.locator(".tg-model-summary")), /^vocab \d+ · /);
  await assertInert(page, log);
}
