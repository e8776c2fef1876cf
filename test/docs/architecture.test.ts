import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {readdirSync, readFileSync, statSync} from "node:fs";
import {join} from "node:path";

// docs/architecture.md is the map a newcomer reads to find where a concept lives: it must name every module of the
// library and every folder and file of the page glue, so a new file cannot land without its place on the map.
const map = readFileSync("docs/architecture.md", "utf8");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".ts") && statSync(join(dir, f)).isFile());
}

function unnamed(names: string[]): string[] {
  return names.filter((name) => !new RegExp(`(^|[\\s(/\`])${name.replace(/[.]/g, "\\.")}`, "m").test(map));
}

describe("docs/architecture.md", () => {
  it("names every module of src/gpt and its subfolders", () => {
    const dirs = ["src/gpt", ...readdirSync("src/gpt").map((d) => join("src/gpt", d))].filter((d) =>
      statSync(d).isDirectory()
    );
    assert.deepEqual(unnamed(dirs.flatMap(tsFiles)), []);
  });

  it("names every folder of src/components and every file in them", () => {
    assert.deepEqual(tsFiles("src/components"), [], "src/components keeps its files in folders");
    const folders = readdirSync("src/components");
    assert.ok(folders.length <= 12, `${folders.length} folders in src/components`);
    assert.deepEqual(unnamed(folders.map((f) => `${f}/`)), []);
    assert.deepEqual(unnamed(folders.flatMap((f) => tsFiles(join("src/components", f)))), []);
  });

  it("names every top-level folder of the project it describes", () => {
    const folders = ["src", "cli", "bench", "data", "docs", "test", "scripts", "vendor"];
    for (const f of folders) statSync(f);
    assert.deepEqual(unnamed(folders.map((f) => `${f}/`)), []);
  });
});
