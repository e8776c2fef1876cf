import {chromium, type Browser, type ConsoleMessage, type Locator, type Page} from "playwright-core";
import {existsSync, rmSync} from "node:fs";
import assert from "node:assert/strict";
import {after, before} from "node:test";
import type {Server} from "node:http";
import type {AddressInfo} from "node:net";
import {serve} from "../../scripts/serve.js";

/** Where the tests find Chromium: $CHROMIUM_PATH, else Debian's /usr/bin/chromium (installed by .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const BASE_FLAGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
];

/** WebGPU (and WebGL) through SwiftShader: software, but real. */
export const WEBGPU_FLAGS = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--enable-unsafe-swiftshader",
  "--use-angle=swiftshader"
];

export async function launch({webgpu}: {webgpu: boolean}): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  const args = webgpu ? [...BASE_FLAGS, ...WEBGPU_FLAGS] : [...BASE_FLAGS, "--disable-gpu"];
  return chromium.launch({executablePath: CHROMIUM, headless: true, args});
}

export interface Site {
  url: string;
  close(): Promise<void>;
}

/** Serves dir on 127.0.0.1 and an ephemeral port; with temporary, close() deletes dir once the server has closed. */
export async function serveDir(dir: string, {temporary = false} = {}): Promise<Site> {
  const server: Server = await serve(dir, {port: 0, quiet: true});
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) =>
        server.close(() => {
          if (temporary) rmSync(dir, {recursive: true, force: true});
          ok();
        })
      )
  };
}

/** Serves dist/ (built by `npm run build`, which `npm test` runs first) on 127.0.0.1 and an ephemeral port. */
export async function serveSite(): Promise<Site> {
  if (!existsSync("dist/index.html")) throw new Error("dist/ is missing: run `npm run build` before the browser tests");
  return serveDir("dist");
}

/** A test file's site and browser, set by the hooks that siteSession registers; read them inside tests. */
export interface SiteSession {
  readonly site: Site;
  readonly browser: Browser;
  /** openPage on a path of the site (e.g. "08-training?x=1"), allowing only the site's own origin. */
  open(path: string): Promise<{page: Page; log: PageLog}>;
}

/**
 * Serves dist/ and launches Chromium before the file's tests (node:test's before), closes both after them. Call it
 * at the top level; a hook that needs the page goes in a describe, since Node 20 starts every top-level before hook
 * at once rather than one after the other.
 */
export function siteSession({webgpu}: {webgpu: boolean}): SiteSession {
  let site: Site | undefined;
  let browser: Browser | undefined;
  let starting: Promise<void> | undefined;
  before(async () => {
    starting = (async () => {
      site = await serveSite();
      browser = await launch({webgpu});
    })();
    await starting;
  });
  after(async () => {
    await starting?.catch(() => undefined); // a file that failed early may still be launching: close what it opens
    await browser?.close();
    await site?.close();
  });
  const session: SiteSession = {
    get site() {
      if (!site) throw new Error("siteSession: the site is served only once its before hook has run");
      return site;
    },
    get browser() {
      if (!browser) throw new Error("siteSession: the browser is launched only once its before hook has run");
      return browser;
    },
    open: (path) => openPage(session.browser, session.site.url + path, session.site.url)
  };
  return session;
}

/** What a page did that a test should fail on: errors, WebGPU warnings, requests to other hosts. */
export interface PageLog {
  errors: string[];
  external: string[];
  requests: string[];
}

const SILENT_FAILURE =
  /webgpu|wgsl|storage buffer|pipeline|GPUValidationError|Invalid (ShaderModule|BindGroup|ComputePipeline)/i;

export async function openPage(browser: Browser, url: string, origin: string): Promise<{page: Page; log: PageLog}> {
  const context = await browser.newContext();
  const page = await context.newPage();
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
export async function badge(page: Page): Promise<{backend: string; fellBack: string; text: string}> {
  const element = page.locator(".tg-badge");
  await element.waitFor({timeout: 120_000});
  return element.evaluate((node: HTMLElement) => ({
    backend: node.dataset.backend ?? "",
    fellBack: node.dataset.fellBack ?? "",
    text: node.textContent ?? ""
  }));
}

/** Framework shows a cell's exception in place of its output, not on the console: there must be none. */
export async function assertNoCellErrors(page: Page): Promise<void> {
  const errors = await page.locator(".observablehq--error").allInnerTexts();
  assert.deepEqual(errors, [], "cells that threw");
}

/**
 * The text a reader sees in an element: scrolled to first, as a reader would, since off-screen figures are not
 * rendered (content-visibility: auto) and Chromium's innerText is empty for them until they are.
 */
export async function shownText(locator: Locator): Promise<string> {
  await locator.scrollIntoViewIfNeeded();
  // content-visibility: auto renders what came on screen at the next frame
  await locator.evaluate(async (element) => {
    for (let frame = 0; frame < 30 && !element.checkVisibility({contentVisibilityAuto: true}); frame++)
      await new Promise((resolve) => requestAnimationFrame(resolve));
  });
  return locator.innerText();
}
