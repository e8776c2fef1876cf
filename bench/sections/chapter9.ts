// Chapter 9's section: streaming generation in the built site on wasm (issue #17, item 2).
import type {Browser} from "playwright-core";
import {chapter9Latency} from "../chapter9.js";
import type {BenchContext} from "../context.js";
import {snapshotSite} from "./site.js";

export async function chapter9Section(ctx: BenchContext, browser: Browser): Promise<void> {
  const site = await snapshotSite(ctx);
  try {
    ctx.results.chapter9 = [];
    for (const inView of [false, true]) {
      ctx.log(`chapter 9: streaming generation on wasm, the text ${inView ? "in view" : "below the window"}`);
      const row = await chapter9Latency(browser, site, {backend: "wasm", inView, ...ctx.args.plan.chapter9});
      ctx.results.chapter9.push(row);
    }
  } catch (error) {
    ctx.results.failures.push({where: "chapter 9", error: (error as Error).message.split("\n")[0]});
  } finally {
    await site.close();
  }
}
