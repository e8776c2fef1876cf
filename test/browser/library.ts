import {after, before} from "node:test";
import type {Browser, Page} from "playwright-core";
import {launch} from "../../scripts/browser/chromium.js";
import {openPage, type PageLog} from "../../scripts/browser/page.js";
import {serveBundle} from "../../scripts/browser/serve.js";

/**
 * src/gpt bundled for the browser exactly as the site gets it (the "browser" condition of @tinygpt/tf), served from a
 * temporary folder on 127.0.0.1 with the wasm binaries; a page exposes it as window.tinygpt for page.evaluate.
 */
export interface Library {
  url: string;
  open(browser: Browser): Promise<{page: Page; log: PageLog}>;
  close(): Promise<void>;
}

export async function serveLibrary(): Promise<Library> {
  const {url, close} = await serveBundle("test/browser/lib-entry.ts", "lib");
  return {
    url,
    async open(browser) {
      const opened = await openPage(browser, url, url);
      await opened.page.waitForFunction(() => "tinygpt" in window);
      return opened;
    },
    close
  };
}

/**
 * One page of the library in Chromium (WebGPU on) for a test file: served and opened in the file's before hook,
 * closed in its after hook. Read page and errors (console errors and WebGPU warnings) once the tests run.
 */
export function libraryPage(): {readonly page: Page; readonly errors: string[]} {
  let library: Library | undefined;
  let browser: Browser | undefined;
  let opened: {page: Page; log: PageLog} | undefined;
  let starting: Promise<void> | undefined;
  before(async () => {
    starting = (async () => {
      library = await serveLibrary();
      browser = await launch({webgpu: true});
      opened = await library.open(browser);
    })();
    await starting;
  });
  after(async () => {
    await starting?.catch(() => undefined); // a file that failed early may still be launching: close what it opens
    await browser?.close();
    await library?.close();
  });
  const ready = () => {
    if (!opened) throw new Error("libraryPage: the page opens only once its before hook has run");
    return opened;
  };
  return {
    get page() {
      return ready().page;
    },
    get errors() {
      return ready().log.errors;
    }
  };
}
