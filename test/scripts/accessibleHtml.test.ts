import {describe, it} from "node:test";
import assert from "node:assert/strict";
import {JSDOM} from "jsdom";
import {accessibleHtml, LANGUAGE} from "../../scripts/site/accessibleHtml.js";

// Framework 1.13.4's frame of a page as `observable build` writes it (render.js), cut to what the rewrite touches.
const FRAME = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>1 · Tokens | TinyGPT Course</title>
</head>
<body>
<input id="observablehq-sidebar-toggle" type="checkbox" title="Toggle sidebar">
<label id="observablehq-sidebar-backdrop" for="observablehq-sidebar-toggle"></label>
<nav id="observablehq-sidebar">
  <ol>
    <label id="observablehq-sidebar-close" for="observablehq-sidebar-toggle"></label>
    <li class="observablehq-link"><a href="./">TinyGPT Course</a></li>
  </ol>
  <ol>
    <li class="observablehq-link observablehq-link-active"><a href="./01-tokens">1 · Tokens</a></li>
  </ol>
</nav>
<div id="observablehq-center">
<aside id="observablehq-toc" data-selector="h1:not(:first-of-type)[id], h2:first-child[id], :not(h1) + h2[id]">
<nav>
<div>Contents</div>
</nav>
</aside>
<main id="observablehq-main" class="observablehq"><h1>Tokens</h1></main>
<footer id="observablehq-footer">
<nav><a rel="prev" href="./"><span>TinyGPT Course</span></a></nav>
<div>TinyGPT Course</div>
</footer>
</div>
</body>
</html>
`;

const parse = (html: string) => new JSDOM(html).window.document;

describe("accessibleHtml: Framework's page frame made accessible", () => {
  it("names the page's language and allows zoom", () => {
    const doc = parse(accessibleHtml(FRAME));
    assert.equal(doc.documentElement.lang, LANGUAGE);
    const viewport = doc.querySelector("meta[name=viewport]")?.getAttribute("content");
    assert.equal(viewport, "width=device-width, initial-scale=1");
  });

  it("names the sidebar toggle and every nav, and leaves only list items in the sidebar's lists", () => {
    const doc = parse(accessibleHtml(FRAME));
    assert.equal(doc.getElementById("observablehq-sidebar-toggle")?.getAttribute("aria-label"), "Show the sidebar");
    const names = [...doc.querySelectorAll("nav")].map((nav) => nav.getAttribute("aria-label"));
    assert.deepEqual(names, ["Chapters", "Contents", "Previous and next page"]);
    for (const list of doc.querySelectorAll("#observablehq-sidebar ol"))
      assert.deepEqual(
        [...list.children].map((c) => c.tagName),
        [...list.children].map(() => "LI")
      );
    const close = doc.getElementById("observablehq-sidebar-close");
    assert.equal(close?.parentElement?.id, "observablehq-sidebar", "the close control stays in the sidebar");
  });

  it("leaves a page without a table of contents or a pager as it is there, and a rewritten page unchanged", () => {
    const bare = FRAME.replace(/<aside[\s\S]*<\/aside>\n/, "").replace(/<footer[\s\S]*<\/footer>\n/, "");
    const doc = parse(accessibleHtml(bare));
    assert.deepEqual(
      [...doc.querySelectorAll("nav")].map((nav) => nav.getAttribute("aria-label")),
      ["Chapters"]
    );
    const once = accessibleHtml(FRAME);
    assert.equal(accessibleHtml(once), once);
  });

  it("throws naming the page and the part when Framework's frame has changed", () => {
    const changed = FRAME.replace(`title="Toggle sidebar"`, `title="Sidebar"`);
    assert.throws(
      () => accessibleHtml(changed, "dist/01-tokens.html"),
      /dist\/01-tokens\.html: .*sidebar toggle's name/
    );
    assert.throws(() => accessibleHtml(FRAME.replace("<html>", "<html dir=ltr>"), "p"), /p: .*language/);
  });
});
