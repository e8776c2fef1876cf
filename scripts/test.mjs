// Runs node's test runner (with tsx for TypeScript) over the test files under the given folders.
// Usage: node scripts/test.mjs [--browser] [FILE…]   unit tests by default, test/browser with --browser; given files,
// only those (e.g. `node scripts/test.mjs --browser test/browser/training.test.ts`).
import {readdirSync, statSync} from "node:fs";
import {join} from "node:path";
import {spawnSync} from "node:child_process";

const browser = process.argv.includes("--browser");
const all = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.ts")) all.push(path);
  }
})("test");
const chosen = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith("--"))
  .map((arg) => join(arg));
const files = all.filter(
  (path) => path.startsWith(join("test", "browser")) === browser && (chosen.length === 0 || chosen.includes(path))
);
if (files.length === 0) {
  console.error(
    `no test files found under test/${browser ? "browser" : ""}${chosen.length ? ` among ${chosen.join(", ")}` : ""}`
  );
  process.exit(1);
}
const args = ["--import", "tsx", "--test", "--test-reporter=spec"];
// one browser test file at a time; and none waits forever: a file still running after 30 minutes fails (Node 20 times
// the whole file, and chapter 11's takes 4–8 minutes on a shared 2-core machine; the waits of test/browser/bounded.ts
// fail far sooner, saying what was pending)
if (browser) args.push("--test-concurrency=1", "--test-timeout=1800000");
// unit files two at a time (node's default is one less than the cores: one, on a 2-core machine): one at a time, a
// file's tsx start-up and single-threaded stretches leave the second core idle (1.36 cores busy on average, 195 s),
// two at a time keep both busy (1.94 cores, 128 s), measured back to back on the shared 2-core machine
else args.push("--test-concurrency=2");
const {status} = spawnSync(process.execPath, [...args, ...files], {stdio: "inherit"});
process.exit(status ?? 1);
