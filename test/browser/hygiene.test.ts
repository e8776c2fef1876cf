// Text from the reader is rendered as text, never as HTML: markup that would run script is fed through the sample
// text (URL and text box), an unknown URL key and chapter 1's probe box on every ready chapter with the model panel,
// chapter 8's pasted and uploaded training text (and the file's name), and chapter 9's prompt; nothing runs, no
// element is made from it, and the characters are shown as typed.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {CHAPTERS} from "../../src/chapters.js";
import {assertNoCellErrors, badge, type PageLog, shownText, siteSession} from "./harness.js";
import {within} from "./bounded.js";
import {waitForHook} from "./hooks.js";

const PAYLOAD = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
const KEY = `<img src=y onerror="window.__xss=3">`;
/** Chapters whose pages carry the reader's model panel (chapters 8 and 9 have their own tests below). */
const PAGES = CHAPTERS.filter((c) => c.ready && Number(c.path.slice(0, 2)) <= 7).map((c) => c.path);

const session = siteSession({webgpu: false});

/**
 * Nothing the payload carries ran or became an element, and the page asked for no /x or /y image. An image made from
 * the payload (even one removed at once) starts loading when it is made, before a sentinel image made now: the checks
 * run once the sentinel has gone through the page's routing and loaded, not after a guessed delay.
 */
async function assertInert(page: Page, log: PageLog): Promise<void> {
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

describe("reader text is never markup", () => {
  for (const path of PAGES) {
    test(`/${path}: markup in the URL's text and an unknown URL key is shown as text and runs nothing`, async () => {
      const query = `?text=${encodeURIComponent(PAYLOAD)}&${encodeURIComponent(KEY)}=1`;
      const {page, log} = await session.open(`${path}${query}`);
      await badge(page);
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
      await page.context().close();
    });
  }

  test("/01-tokens: markup typed into the sample text and the probe box is tokenized character by character", async () => {
    const {page, log} = await session.open("01-tokens");
    await badge(page);
    const text = page.locator(`form.tg-model [name="text"]`);
    await text.waitFor({timeout: 120_000});
    await text.fill(PAYLOAD);
    const size = new Set(PAYLOAD).size;
    await page.locator(`[data-name=vocab][data-size='${size}']`).waitFor();
    assert.equal(await shownText(page.locator(".tg-roundtrip q")), PAYLOAD, "decode(encode(text)) shown literally");
    const probe = page.getByRole("textbox", {name: "another text"});
    await probe.fill(PAYLOAD.toUpperCase());
    await page.locator(".tg-probe .tg-error", {hasText: "is not in the vocabulary"}).waitFor();
    await page.waitForFunction(() => document.querySelector("[data-name=probe] li")?.textContent?.startsWith("<"));
    const first = await page.locator("[data-name=probe] li").evaluateAll((items) => items.map((li) => li.textContent));
    assert.ok(first[0]?.startsWith("<") && first[1]?.startsWith("I"), `one token per character: ${first.slice(0, 4)}`);
    await assertInert(page, log);
    await page.context().close();
  });

  test("/08-training: markup pasted or uploaded as the training text becomes characters of the vocabulary", async () => {
    const {page, log} = await session.open("08-training");
    await badge(page);
    const text = `${PAYLOAD} the fox and the crow. `.repeat(12);
    await page.locator(".tg-data-source input[value='your text']").check();
    await page.locator(".tg-own-text textarea").fill(text);
    await page.locator(".tg-own-text button", {hasText: "Use the pasted text"}).click();
    await page.locator("[data-name=splits]", {hasText: "The pasted text"}).waitFor({timeout: 120_000});
    const vocab = page.locator(`[data-name=vocab][data-size='${new Set(text).size}']`);
    await vocab.waitFor();
    for (const c of ["<", ">", "=", '"', "/"]) {
      assert.ok((await shownText(vocab)).includes(c), `the vocabulary shows ${c} as a character`);
    }
    await assertInert(page, log);

    await page.locator(".tg-own-text input[type=file]").setInputFiles({
      ...{name: `${KEY}.txt`, mimeType: "text/plain"},
      buffer: Buffer.from(text.toUpperCase())
    });
    const using = page.locator(".tg-own-text [role=status]", {hasText: `characters from ${KEY}.txt`});
    await using.waitFor();
    assert.equal(await shownText(using), `Using ${text.length.toLocaleString("en-US")} characters from ${KEY}.txt.`);
    await page.locator("[data-name=splits]", {hasText: `${KEY}.txt: `}).waitFor();
    await page.locator(`[data-name=vocab][data-size='${new Set(text.toUpperCase()).size}']`).waitFor();
    await assertInert(page, log);
    await page.context().close();
  });

  test("/09-generation: a markup prompt is refused naming its unknown characters, as text; an empty one is refused", async () => {
    const {page, log} = await session.open("09-generation");
    await badge(page);
    const prompt = page.locator('form:has(> label:text-is("prompt")) textarea');
    await prompt.waitFor({timeout: 120_000});
    const refused = page.locator("[data-name=promptProblem]");
    await prompt.fill(PAYLOAD);
    await page.locator("button", {hasText: "Generate"}).click();
    await refused.waitFor();
    assert.match(
      await shownText(refused),
      /^Not generated: character "<" \(U\+003C\) at position 0 is not in the vocabulary, nor .*">" \(U\+003E\).*; this model knows only the \d+ characters of its vocabulary\.$/
    );
    await assertInert(page, log);
    await prompt.fill("");
    await page.locator("button", {hasText: "Generate"}).click();
    await page.locator("[data-name=promptProblem]", {hasText: "empty"}).waitFor();
    assert.equal(await shownText(refused), "Not generated: the prompt is empty: type at least one character.");
    await assertInert(page, log);
    await page.context().close();
  });
});
