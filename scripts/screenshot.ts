// Regenerates docs/screenshot.png (the README's picture): `npx tsx scripts/screenshot.ts` after `npm run build`.
import {launch} from "./browser/chromium.js";
import {badge} from "./browser/page.js";
import {serveSite} from "./browser/serve.js";

const site = await serveSite();
const browser = await launch({webgpu: true});
try {
  const page = await browser.newPage({viewport: {width: 1200, height: 1000}});
  await page.goto(site.url);
  await badge(page);
  await page.locator("figure.tg-heatmap canvas").waitFor();
  // a full-page picture shows every figure: off-screen ones are otherwise skipped (content-visibility: auto)
  await page.addStyleTag({content: ".observablehq--block { content-visibility: visible !important; }"});
  await page.screenshot({path: process.argv[2] ?? "docs/screenshot.png", fullPage: true});
} finally {
  await browser.close();
  await site.close();
}
