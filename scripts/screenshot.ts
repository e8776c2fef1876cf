// Regenerates docs/screenshot.png (the README's picture): `npx tsx scripts/screenshot.ts` after `npm run build`.
// `npx tsx scripts/screenshot.ts OUT.png PATH [SELECTOR]` takes another page instead, scrolled so that SELECTOR is at
// the top of a 1200 × 1000 window (the whole page when no SELECTOR is given).
import {launch} from "./browser/chromium.js";
import {badge} from "./browser/page.js";
import {serveSite} from "./browser/serve.js";

const [out = "docs/screenshot.png", path = "03-attention?weights=shakespeare&text=to+be+or+not+to+be", at] =
  process.argv.slice(2);
const selector = at ?? (process.argv.length > 3 ? undefined : "#many-heads");
const site = await serveSite();
const browser = await launch({webgpu: true});
try {
  const page = await browser.newPage({viewport: {width: 1200, height: 1000}});
  await page.goto(site.url + path);
  await badge(page);
  // a full-page picture shows every figure: off-screen ones are otherwise skipped (content-visibility: auto)
  await page.addStyleTag({content: ".observablehq--block { content-visibility: visible !important; }"});
  await page.waitForFunction(() => document.querySelectorAll(".observablehq--loading").length === 0, null, {
    timeout: 120_000
  });
  await page.locator("figure.tg-heatmap canvas").first().waitFor();
  if (selector) {
    await page.locator(selector).evaluate((node) => node.scrollIntoView({block: "start"}));
    await page.screenshot({path: out});
  } else await page.screenshot({path: out, fullPage: true});
} finally {
  await browser.close();
  await site.close();
}
