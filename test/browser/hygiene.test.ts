// Text from the reader is rendered as text, never as HTML: markup that would run script is typed into chapter 1's
// sample text and probe box, pasted and uploaded as chapter 8's training text (and the file's name), and typed as
// chapter 9's prompt; nothing runs, no element is made from it, and the characters are shown as typed. (Markup in the
// URL's sample text and as an unknown URL key, on every chapter with the model panel: every-page.test.ts, in its
// visit of the page on cpu.)
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {badge, shownText, siteSession} from "./harness.js";
import {assertInert, KEY, PAYLOAD} from "./markup.js";

const session = siteSession({webgpu: false});

describe("reader text is never markup", () => {
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
