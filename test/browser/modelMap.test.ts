// The map of the whole model on every chapter page: this chapter's parts lit, every other part a link to the
// chapter that builds it, and a click on one opens that chapter.
import {describe, test} from "node:test";
import assert from "node:assert/strict";
import {CHAPTERS} from "../../src/chapters.js";
import {CHAPTER_FOCUS, MODEL_PARTS} from "../../src/modelParts.js";
import {badge, siteSession} from "./harness.js";

const session = siteSession({webgpu: false});

/** Every chapter page draws the map. */
const PAGES = CHAPTERS.filter((c) => c.ready).map((c) => c.path);

describe("the model map", () => {
  for (const path of PAGES) {
    test(`/${path}: the map lights this chapter's parts and links the others to their chapters`, async () => {
      const {page, log} = await session.open(`${path}?backend=cpu`);
      await badge(page);
      const map = page.locator("[data-name=map]");
      await map.waitFor({timeout: 60_000});
      const parts = await map.locator(".tg-map-part").evaluateAll((nodes) =>
        nodes.map((n) => ({
          id: (n as HTMLElement).dataset.part!,
          href: n.getAttribute("href"),
          focus: n.classList.contains("tg-focus"),
          current: n.getAttribute("aria-current")
        }))
      );
      assert.deepEqual(
        parts.map((p) => p.id),
        MODEL_PARTS.map((p) => p.id)
      );
      assert.deepEqual(
        parts
          .filter((p) => p.focus)
          .map((p) => p.id)
          .sort(),
        [...CHAPTER_FOCUS[path]].sort()
      );
      for (const part of parts) {
        const home = MODEL_PARTS.find((p) => p.id === part.id)!.chapter;
        const ready = CHAPTERS.find((c) => c.path === home)!.ready;
        assert.equal(part.href, home === path || !ready ? null : `./${home}`, part.id);
        assert.equal(part.current, home === path ? "page" : null, part.id);
      }
      assert.deepEqual(log.errors, []);
      await page.context().close();
    });
  }

  test("a part of the map opens the chapter that builds it", async () => {
    const {page} = await session.open("02-embeddings?backend=cpu");
    await badge(page);
    await page.locator("[data-name=map] a[data-part=attn]").click();
    await page.waitForURL(/\/03-attention/);
    await page.locator("[data-name=map] [data-part=attn][aria-current=page]").waitFor();
    await page.context().close();
  });
});
