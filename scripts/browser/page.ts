// A page opened in its own browser context, with a log of what a test or a measurement should fail on.
import type {Browser, ConsoleMessage, Page} from "playwright-core";

/** What a page did that a test should fail on: errors, WebGPU warnings, requests to other hosts. */
export interface PageLog {
  errors: string[];
  external: string[];
  requests: string[];
}

const SILENT_FAILURE =
  /webgpu|wgsl|storage buffer|pipeline|GPUValidationError|Invalid (ShaderModule|BindGroup|ComputePipeline)/i;

/**
 * Opens url in a fresh context; requests outside origin (and data:/blob:) are aborted and logged as external.
 * initScript runs in the page before any of its own scripts (a test's stand-in for what the browser offers); viewport
 * is the window's size from the start (Playwright's 1280 × 720 by default).
 */
export async function openPage(
  browser: Browser,
  url: string,
  origin: string,
  {initScript, viewport}: {initScript?: string; viewport?: {width: number; height: number}} = {}
): Promise<{page: Page; log: PageLog}> {
  const context = await browser.newContext(viewport ? {viewport} : {});
  const page = await context.newPage();
  // the page in front: headless Chromium may draw no frames for a page it holds in the background, and Framework's
  // runtime computes cells on animation frames, so nothing on such a page would ever settle
  await page.bringToFront();
  if (initScript) await page.addInitScript(initScript);
  const log: PageLog = {errors: [], external: [], requests: []};
  page.on("console", (message: ConsoleMessage) => {
    const text = message.text();
    if (message.type() === "error") log.errors.push(`console.error: ${text}`);
    else if (message.type() === "warning" && SILENT_FAILURE.test(text)) log.errors.push(`console.warn: ${text}`);
  });
  page.on("pageerror", (error) => log.errors.push(`pageerror: ${error.message}`));
  await page.route("**/*", (route) => {
    const requested = route.request().url();
    log.requests.push(requested);
    if (
      new URL(requested).origin === new URL(origin).origin ||
      requested.startsWith("data:") ||
      requested.startsWith("blob:")
    ) {
      return route.continue();
    }
    log.external.push(requested);
    return route.abort();
  });
  await page.goto(url, {waitUntil: "load"});
  return {page, log};
}

/** Waits until the header badge shows the backend this page runs on; returns its data attributes. */
export async function badge(
  page: Page
): Promise<{backend: string; fellBack: string; threads: string | null; simd: string | null; text: string}> {
  const element = page.locator(".tg-badge");
  await element.waitFor({timeout: 120_000});
  return element.evaluate((node: HTMLElement) => ({
    backend: node.dataset.backend ?? "",
    fellBack: node.dataset.fellBack ?? "",
    threads: node.dataset.threads ?? null,
    simd: node.dataset.simd ?? null,
    text: node.textContent ?? ""
  }));
}
