// A part of the model map opens the chapter that builds it. (That every chapter page draws the map, lights its own
// parts and links the others is checked on every-page.test.ts's visit of each page on cpu: assertModelMap.)
import {test} from "node:test";
import {badge, siteSession} from "./harness.js";

const session = siteSession({webgpu: false});

test("a part of the map opens the chapter that builds it", async () => {
  const {page} = await session.open("02-embeddings?backend=cpu");
  await badge(page);
  await page.locator("[data-name=map] a[data-part=attn]").click();
  await page.waitForURL(/\/03-attention/);
  await page.locator("[data-name=map] [data-part=attn][aria-current=page]").waitFor();
  await page.context().close();
});
