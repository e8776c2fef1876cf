// Chapter 10 through the built site: the merge loop steps with the button and the keys, the sequence shrinks by what
// each merge joins, the vocabulary grows; the trade-off follows the corpus; GPT-2's ids on the page are js-tiktoken's;
// the page works on webgpu, webgl, wasm and cpu, with no console error and no request to another host.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {Tiktoken} from "js-tiktoken/lite";
import r50k from "js-tiktoken/ranks/r50k_base";
import {makeConfig} from "../../src/gpt/config.js";
import {countParams} from "../../src/gpt/count.js";
import {fables} from "../../src/gpt/data/corpora.js";
import {chunksOf, mergePair, pairCounts, textChunks, trainBpe} from "../../src/gpt/tokenizer.js";
import {DEFAULT_MODEL, toConfig} from "../../src/components/reader/readerModel.js";
import {assertNoCellErrors, badge, SITE_PICK, shownText, siteSession} from "./harness.js";

const session = siteSession({webgpu: true});

/** The largest vocabulary the page's default corpus (110 KB of fables, gpt2 pre-split) reaches, up to 1,024. */
const fablesVocab = () =>
  String(trainBpe(fables(0, 200), {vocabSize: 1024, pattern: "gpt2", allowFewer: true}).vocabSize);

const data = (page: Page, name: string) =>
  page.locator(`[data-name="${name}"]`).evaluate((node: HTMLElement) => ({...node.dataset}));

/** Waits until the element named name has data-key = value. */
async function until(page: Page, name: string, key: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([n, k, v]) => (document.querySelector(`[data-name="${n}"]`) as HTMLElement | null)?.dataset[k] === v,
    [name, key, value],
    {timeout: 60_000}
  );
}

describe("chapter 10 · tokenizers", () => {
  test("the merge loop steps with the button and the keys: the marked pair is merged, the text shrinks", async () => {
    const text = "aaabdaaabac";
    const {page, log} = await session.open(`10-tokenizers?text=${text}`);
    assert.equal((await badge(page)).backend, SITE_PICK);
    await until(page, "mergeStatus", "step", "0");
    // The expectation, from the library's recount: the winning pair of each step and the sequence after it.
    let chunks = textChunks(text, "none");
    const expected = [0, 1, 2].map((k) => {
      const [best] = pairCounts(chunks);
      const state = {tokens: chunks.flat().length, pair: best.pair.join(",")};
      chunks = mergePair(chunks, best.pair, 256 + k);
      return state;
    });
    for (const [k, move] of [
      [0, null],
      [1, () => page.locator("[data-action=next]").click()],
      [2, () => page.keyboard.press("ArrowRight")]
    ] as const) {
      if (move) await move();
      await until(page, "mergeStatus", "step", String(k));
      const status = await data(page, "mergeStatus");
      assert.equal(status.tokens, String(expected[k].tokens), `step ${k}: tokens`);
      assert.equal(status.vocab, String(256 + k));
      assert.equal(await page.locator("[data-name=sequence] li").count(), expected[k].tokens);
      const marked = page.locator("[data-name=pairs] tr.tg-marked");
      assert.equal(await marked.getAttribute("data-id"), expected[k].pair, `step ${k}: the winning pair`);
      assert.equal(await page.locator("[data-name=learned] tbody tr").count(), k, "one new token per merge");
    }
    assert.match(await shownText(page.locator("[data-name=mergeStatus]")), /The next merge, marked below/);
    await page.keyboard.press("r");
    await until(page, "mergeStatus", "step", "0");
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("the trade-off counts the token table and head of the reader's model at every vocabulary size", async () => {
    const {page, log} = await session.open("10-tokenizers");
    const vocab = fablesVocab();
    await until(page, "tradeoff", "vocab", vocab);
    const config = toConfig(DEFAULT_MODEL);
    const {breakdown} = countParams(makeConfig({...config, vocabSize: Number(vocab)}));
    const shown = await data(page, "tradeoff");
    assert.equal(shown.vocabParams, String(breakdown.tokenEmbedding + breakdown.head));
    assert.ok(Number(shown.bytesPerToken) > 2, `fables: ${shown.bytesPerToken} bytes per token`);
    // The reader's own short text, then without a pre-split: each runs out of pairs at its own size.
    const own = (pattern: "gpt2" | "none") =>
      String(trainBpe(DEFAULT_MODEL.text, {vocabSize: 1024, pattern, allowFewer: true}).vocabSize);
    await page.locator("label", {hasText: "your sample text"}).click();
    await until(page, "tradeoff", "vocab", own("gpt2"));
    await page.locator("form", {hasText: "pre-split of the corpus"}).locator("label", {hasText: "none"}).click();
    await until(page, "tradeoff", "vocab", own("none"));
    assert.deepEqual(log.errors, []);
    await assertNoCellErrors(page);
    await page.context().close();
  });

  test("GPT-2's tokenizer on the reader's text gives js-tiktoken's ids, a split character drawn dashed", async () => {
    const text = "Hello world 😀 don't 1234567";
    const {page, log} = await session.open(`10-tokenizers?text=${encodeURIComponent(text)}`);
    const figure = page.locator("[data-name=gpt2]");
    await figure.waitFor({timeout: 60_000});
    const oracle = new Tiktoken(r50k).encode(text);
    const ids = await figure
      .locator(".tg-token")
      .evaluateAll((spans) => spans.map((s) => (s as HTMLElement).dataset.ids));
    assert.deepEqual(ids.join(",").split(",").map(Number), oracle);
    assert.equal(await figure.getAttribute("data-tokens"), String(oracle.length));
    assert.equal(await figure.locator(".tg-split").count(), 1, "the emoji's bytes span two tokens");
    const shownIds = await page.locator("[data-name=gpt2Ids] .tg-id").allTextContents();
    assert.deepEqual(shownIds.map(Number), oracle);
    assert.equal(await page.locator("[data-name=chunks] li").count(), chunksOf(text, "gpt2").length);
    const quirks = page.locator("[data-name=quirks]");
    assert.equal(await quirks.locator('tr[data-id="hello"] td[data-key=count]').getAttribute("data-value"), "1");
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await page.context().close();
  });

  for (const backend of ["webgpu", "webgl", "cpu"]) {
    // wasm: the tests above (SITE_PICK)
    test(`every section works on ${backend}`, async () => {
      const {page, log} = await session.open(`10-tokenizers?backend=${backend}`);
      assert.equal((await badge(page)).backend, backend);
      for (const name of ["units", "sequence", "pairs", "compression", "gpt2", "quirks"]) {
        await page.locator(`[data-name=${name}]`).waitFor({timeout: 60_000});
      }
      await until(page, "tradeoff", "vocab", fablesVocab());
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.external, []);
      await assertNoCellErrors(page);
      await page.context().close();
    });
  }
});
