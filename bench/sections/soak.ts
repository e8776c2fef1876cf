// Issue #9's soak section: training steps then tokens in one Chromium page, memory read all along.
import type {Browser} from "playwright-core";
import {serveBench, type BenchPage} from "../browser.js";
import type {BenchContext} from "../context.js";
import {label, type Target} from "../report.js";

/** Issue #9's soak in one Chromium page on --soak-backend; its console errors and WebGPU warnings are counted. */
export async function soakSection(ctx: BenchContext, browser: Browser): Promise<void> {
  const target: Target = {runtime: "chromium", backend: ctx.args.soakBackend};
  ctx.log(`soak on ${label(target)}: ${ctx.args.soakSteps} training steps, then ${ctx.args.soakTokens} tokens`);
  const server = await serveBench();
  let page: (BenchPage & {adapter: string | null; threads: number | null}) | null = null;
  try {
    page = await server.open(browser, ctx.args.soakBackend);
    page.page.on("console", (message) => {
      if (message.type() === "debug" && message.text().startsWith("[soak]")) ctx.log(message.text());
    });
    const result = await page.run((b, o) => b.soak(o), {
      steps: ctx.args.soakSteps,
      tokens: ctx.args.soakTokens,
      progress: true
    });
    ctx.results.soak = {
      ...target,
      adapter: page.adapter,
      wasmThreads: page.threads,
      result,
      consoleErrors: [...page.log.errors]
    };
    if (page.log.errors.length)
      ctx.results.failures.push({where: `soak ${label(target)}`, error: page.log.errors.join("; ")});
  } catch (error) {
    ctx.results.failures.push({where: `soak ${label(target)}`, error: (error as Error).message});
  } finally {
    await page?.close();
    await server.close();
  }
}
