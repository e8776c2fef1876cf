// The map of the whole model on a chapter page (every-page.test.ts checks it on each chapter's visit on cpu): this
// chapter's parts lit, every other part a link to the ready chapter that builds it.
import assert from "node:assert/strict";
import type {Page} from "playwright-core";
import {CHAPTERS} from "../../src/chapters.js";
import {CHAPTER_FOCUS, MODEL_PARTS} from "../../src/modelParts.js";

/** The chapter page at path draws every part of the model, lights its own and links the others to their chapters. */
export async function assertModelMap(page: Page, path: string): Promise<void> {
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
    MODEL_PARTS.map((p) => p.id),
    "the map's parts"
  );
  assert.deepEqual(
    parts
      .filter((p) => p.focus)
      .map((p) => p.id)
      .sort(),
    [...CHAPTER_FOCUS[path]].sort(),
    "the parts the map lights"
  );
  for (const part of parts) {
    const home = MODEL_PARTS.find((p) => p.id === part.id)!.chapter;
    const ready = CHAPTERS.find((c) => c.path === home)!.ready;
    assert.equal(part.href, home === path || !ready ? null : `./${home}`, `${part.id}'s link`);
    assert.equal(part.current, home === path ? "page" : null, `${part.id}'s aria-current`);
  }
}
