// Chapter 8 on BPE tokens, on wasm: a tiny model trains on the toy sentences read as a BPE of 300 tokens; the page
// gives the validation loss per byte and lists the run; its saved checkpoint is read by the command line (tinygpt eval
// and sample, through node) and generates in chapter 9; a checkpoint tinygpt train wrote on the same tokens loads
// into the page and trains on from its step. A text of more than 256 distinct characters, refused as characters,
// is read as a BPE.
import {after, describe, test} from "node:test";
import assert from "node:assert/strict";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Page} from "playwright-core";
import {TOY_SENTENCES} from "../../src/gpt/data/corpora.js";
import {trainBpe} from "../../src/gpt/tokenizer.js";
import {tinygpt} from "../helpers/cli.js";
import {badge, shownText, siteSession} from "./harness.js";
import {readHook} from "./hooks.js";
import {tinyRun, until, useInChapter9} from "./trainingPage.js";

const session = siteSession({webgpu: false});
const dir = mkdtempSync(join(tmpdir(), "tinygpt-bpe-"));
const file = (name: string) => join(dir, name);
writeFileSync(file("toy.txt"), TOY_SENTENCES);
after(() => rmSync(dir, {recursive: true, force: true}));

/** The toy sentences as BPE-300 tokens: the longest window their validation split holds (the page's T). */
const ids = trainBpe(TOY_SENTENCES, {vocabSize: 300, pattern: "gpt2"}).encode(TOY_SENTENCES);
const T = ids.length - Math.floor(0.9 * ids.length) - 1;

async function bpeRun(page: Page, steps: number): Promise<void> {
  await page.locator(".tg-data-source input[value='toy sentences']").check();
  await page.locator('form:has(> label:text-is("tokenizer (text)")) label:text-is("BPE, 300 tokens") input').check();
  await page.locator("[data-name=splits]", {hasText: "tokens to train on"}).waitFor();
  await tinyRun(page, steps, 4);
}

describe("chapter 8 · a model on BPE tokens, and its checkpoint in the command line and chapter 9", () => {
  test("trains on BPE tokens, reports bits per byte, and its checkpoint reads in tinygpt and in chapter 9", async () => {
    const {page, log} = await session.open("08-training?backend=wasm");
    assert.equal((await badge(page)).backend, "wasm");
    await bpeRun(page, 12);
    assert.equal(Number(await page.locator("[data-name=vocab]").getAttribute("data-size")), 300);
    await page.locator("[data-name=run] button[data-action=start]").click();
    const run = await until(page, (r) => r.status === "finished" && r.probe !== null);
    assert.equal(run.step, 12);

    const perByte = page.locator("[data-name=perByte]");
    await perByte.filter({hasText: "bits per byte"}).waitFor();
    const [bits, tokens, bytes] = await Promise.all(
      ["bits", "tokens", "bytes"].map(async (k) => Number(await perByte.getAttribute(`data-${k}`)))
    );
    assert.equal(tokens, ids.length - Math.floor(0.9 * ids.length));
    assert.ok(Math.abs(bits - (run.valLosses.at(-1)! * tokens) / bytes / Math.LN2) < 1e-9, `${bits} bits per byte`);
    const row = page.locator("[data-name=runs] tbody tr").last();
    assert.equal(await shownText(row.locator("[data-key=tokenizer]")), "BPE, 300 tokens");
    assert.equal(await shownText(row.locator("[data-key=bitsPerByte]")), bits.toFixed(3));

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-name=checkpoints] button[data-action=save]").click()
    ]);
    await page.locator("[data-name=checkpoints][data-result=ok]").waitFor();
    const saved = file("page.safetensors");
    await download.saveAs(saved);
    const evaluated = await tinygpt(
      "eval",
      "--checkpoint",
      saved,
      "--data",
      file("toy.txt"),
      "--json",
      "--backend",
      "cpu"
    );
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const json = JSON.parse(evaluated.stdout);
    assert.deepEqual([json.tokens, json.bytes], [tokens, bytes], "the CLI reads the same tokens and bytes");
    assert.ok(Math.abs(json.bitsPerByte - (json.valLoss * tokens) / bytes / Math.LN2) < 1e-9);
    const sampled = await tinygpt(
      "sample",
      "--checkpoint",
      saved,
      "--prompt",
      "The dog",
      "--max-tokens",
      "8",
      "--greedy"
    );
    assert.equal(sampled.status, 0, sampled.stderr);
    assert.match(sampled.stdout, /^The dog/);

    await useInChapter9(page, session.site.url, "yours · step 12 · the toy sentences as 300 BPE tokens");
    const generated = await page.waitForFunction(
      () => (window as {__tinygpt?: {generation?: {text: string}}}).__tinygpt?.generation?.text ?? null,
      null,
      {timeout: 120_000}
    );
    assert.equal(typeof (await generated.jsonValue()), "string");
    assert.ok((await readHook(page, "generation"))!.runs >= 1);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.external, []);
    await page.context().close();
  });

  test("a text of more than 256 distinct characters is refused as characters only: a BPE reads it", async () => {
    const {page, log} = await session.open("08-training?backend=wasm");
    await badge(page);
    const hanzi = Array.from({length: 1200}, (_, i) => String.fromCodePoint(0x4e00 + i)).join("");
    await page.locator(".tg-data-source input[value='your text']").check();
    await page.locator(".tg-own-text textarea").fill(hanzi);
    await page.locator(".tg-own-text button", {hasText: "Use the pasted text"}).click();
    const refused = page.locator("[data-name=readingProblem]");
    await refused.waitFor({timeout: 120_000});
    assert.match(
      await shownText(refused),
      /^Not read as characters: the text has 1200 distinct characters; at most 256 make a character vocabulary here/
    );
    assert.match(await shownText(refused), /It is read as BPE, 300 tokens instead\.$/);
    await page.locator("[data-name=splits]", {hasText: "The pasted text"}).waitFor({timeout: 120_000});
    assert.equal(Number(await page.locator("[data-name=vocab]").getAttribute("data-size")), 300);
    await page.locator('form:has(> label:text-is("tokenizer (text)")) label:text-is("BPE, 512 tokens") input').check();
    await refused.waitFor({state: "detached"});
    await page.locator("[data-name=vocab][data-size='512']").waitFor({timeout: 120_000});
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });

  test("a checkpoint tinygpt train wrote on the same BPE loads into chapter 8 and trains on from its step", async () => {
    writeFileSync(
      file("tiny.json"),
      JSON.stringify({nLayer: 1, nHead: 2, nEmbd: 16, dFF: 32, blockSize: T, vocabSize: 300})
    );
    const trained = await tinygpt(
      ...["train", "--config", file("tiny.json"), "--corpus", "toy", "--tokenizer", "bpe:300", "--steps", "2"],
      ...["--batch", "4", "--lr", "1e-3", "--seed", "1", "--backend", "cpu", "--out", file("cli.safetensors")]
    );
    assert.equal(trained.status, 0, trained.stderr);
    const {page, log} = await session.open("08-training?backend=wasm");
    await badge(page);
    await bpeRun(page, 4);
    await page.locator("[data-name=checkpoints] input[type=file]").setInputFiles(file("cli.safetensors"));
    const loaded = await until(page, (r) => r.probe !== null && r.step === 2);
    assert.match(loaded.message ?? "", /Loaded cli\.safetensors at step 2/);
    await page.locator("[data-name=run] button[data-action=start]").click();
    const on = await until(page, (r) => r.status === "finished" && r.probe !== null);
    assert.equal(on.step, 4);
    assert.equal(on.losses.length, 2, "two more steps from the CLI's step 2");
    assert.deepEqual(log.errors, []);
    await page.context().close();
  });
});
