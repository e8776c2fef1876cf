// The built site's sections: edit → redraw latency per chapter, and page load, on a snapshot of dist/.
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {serveDir, type Site} from "../../scripts/browser/serve.js";
import type {BenchContext} from "../context.js";
import {editLatency, pageLoad, PAGES} from "../site.js";

/** The chapters whose views all follow the reader's model (issue 17: p95 < 50 ms on each). */
const EDIT_CHAPTERS = ["02-embeddings", "03-attention", "04-block", "05-model"];

let built = false; // this bench run built the site already (--build builds once, not once per section)

/** A snapshot of dist/ (others may rebuild it while the bench runs), served like `npm start` serves it. */
export async function snapshotSite(ctx: BenchContext): Promise<Site> {
  if ((ctx.args.build && !built) || !existsSync("dist/index.html")) {
    ctx.log("npm run build");
    const run = spawnSync("npm", ["run", "build"], {stdio: "inherit"});
    if (run.status !== 0) throw new Error("npm run build failed");
    built = true;
  }
  const dir = mkdtempSync(join(tmpdir(), "tinygpt-bench-site-"));
  cpSync("dist", dir, {recursive: true});
  return serveDir(dir, {temporary: true});
}

export async function siteSections(ctx: BenchContext, browser: Browser): Promise<void> {
  const {sections, plan} = ctx.args;
  if (!sections.has("interactivity") && !sections.has("pageload")) return;
  const site = await snapshotSite(ctx);
  try {
    if (sections.has("interactivity")) {
      for (const chapter of EDIT_CHAPTERS) {
        if (!existsSync(`dist/${chapter}.html`)) {
          ctx.results.interactivity.push({chapter, pending: "not in dist/ (chapter not built yet)"});
          continue;
        }
        const measured = new Set<string>();
        for (const backend of ctx.args.editBackends) {
          // the site's own pick is measured first; a backend it already measured is not measured twice
          if (backend && measured.has(backend)) continue;
          ctx.log(`interactivity ${chapter} ${backend || "(site's choice)"}`);
          try {
            const result = await editLatency(browser, site, chapter, {...plan.edits, backend});
            measured.add(result.backend);
            ctx.results.interactivity.push(result);
          } catch (error) {
            ctx.results.interactivity.push({chapter, pending: (error as Error).message.split("\n")[0]});
          }
        }
      }
    }
    if (sections.has("pageload")) {
      for (const path of PAGES) {
        ctx.log(`page load /${path}`);
        try {
          ctx.results.pageload.push(await pageLoad(browser, site, path));
        } catch (error) {
          ctx.results.failures.push({where: `page load /${path}`, error: (error as Error).message});
        }
      }
    }
  } finally {
    await site.close();
  }
}
