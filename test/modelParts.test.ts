import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {CHAPTERS} from "../src/chapters.js";
import {CHAPTER_FOCUS, MODEL_PARTS, mapParts} from "../src/modelParts.js";

describe("the model map's parts", () => {
  it("every part is built by a chapter of the course, and every chapter's focus names parts that exist", () => {
    const paths = new Set(CHAPTERS.map((c) => c.path));
    const ids = new Set(MODEL_PARTS.map((p) => p.id));
    assert.equal(ids.size, MODEL_PARTS.length, "ids are unique");
    for (const p of MODEL_PARTS) assert.ok(paths.has(p.chapter), `${p.id}: ${p.chapter}`);
    for (const [path, focus] of Object.entries(CHAPTER_FOCUS)) {
      assert.ok(paths.has(path), path);
      for (const id of focus) assert.ok(ids.has(id), `${path}: ${id}`);
    }
    for (const c of CHAPTERS.filter((c) => c.ready)) assert.ok(CHAPTER_FOCUS[c.path]?.length, `${c.path} has a focus`);
  });

  it("mapParts(path) links the other ready chapters, not the page itself, and lights that page's focus", () => {
    const parts = mapParts("03-attention");
    const attn = parts.find((p) => p.id === "attn")!;
    assert.deepEqual([attn.href, attn.here, attn.focus, attn.number], [null, true, true, "3"]);
    const ln1 = parts.find((p) => p.id === "ln1")!;
    assert.deepEqual([ln1.href, ln1.here, ln1.focus], ["./04-block", false, true], "the block's LayerNorm, read here");
    const wte = parts.find((p) => p.id === "wte")!;
    assert.deepEqual([wte.href, wte.focus, wte.chapterTitle], ["./02-embeddings", false, "2 · Embeddings"]);
    assert.ok(parts.filter((p) => p.focus).every((p) => CHAPTER_FOCUS["03-attention"].includes(p.id)));
  });
});
