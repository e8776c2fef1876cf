// Observable Framework 1.13 writes the frame of every page (the <html> element, the viewport, the sidebar, the table of
// contents, the pager) with markup that its config cannot change and that fails axe-core: no page language, zoom
// disabled, a sidebar toggle named only by its title, a <label> directly inside the sidebar's <ol>, and three <nav>s
// with no name. `npm run build` rewrites each built page with these exact replacements. A replacement whose markup is
// not found throws (Framework changed its frame: look again), so the fix cannot silently stop applying; a page
// rewritten already is left as it is.
import {readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";

export const LANGUAGE = "en";

interface Replacement {
  /** What the rewrite makes right, for the error when its markup is missing. */
  why: string;
  from: string;
  to: string;
  /** Framework writes this part only on some pages (the table of contents, the pager). */
  optional?: boolean;
}

const SIDEBAR_CLOSE = `<label id="observablehq-sidebar-close" for="observablehq-sidebar-toggle"></label>`;

export const REPLACEMENTS: readonly Replacement[] = [
  {why: "the page's language", from: "<html>\n", to: `<html lang="${LANGUAGE}">\n`},
  {
    why: "zoom allowed",
    from: `<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">`,
    to: `<meta name="viewport" content="width=device-width, initial-scale=1">`
  },
  {
    why: "the sidebar toggle's name",
    from: `<input id="observablehq-sidebar-toggle" type="checkbox" title="Toggle sidebar">`,
    to: `<input id="observablehq-sidebar-toggle" type="checkbox" title="Toggle sidebar" aria-label="Show the sidebar">`
  },
  {
    why: "the sidebar's name, and its close control out of its list",
    from: `<nav id="observablehq-sidebar">\n  <ol>\n    ${SIDEBAR_CLOSE}\n`,
    to: `<nav id="observablehq-sidebar" aria-label="Chapters">\n  ${SIDEBAR_CLOSE}\n  <ol>\n`
  },
  {
    why: "the table of contents' name",
    from: `<aside id="observablehq-toc" data-selector="h1:not(:first-of-type)[id], h2:first-child[id], :not(h1) + h2[id]">\n<nav>`,
    to: `<aside id="observablehq-toc" data-selector="h1:not(:first-of-type)[id], h2:first-child[id], :not(h1) + h2[id]">\n<nav aria-label="Contents">`,
    optional: true
  },
  {
    why: "the pager's name",
    from: `<footer id="observablehq-footer">\n<nav>`,
    to: `<footer id="observablehq-footer">\n<nav aria-label="Previous and next page">`,
    optional: true
  }
];

/** One built page with every replacement made; throws naming the page and what is missing. */
export function accessibleHtml(html: string, page = "page"): string {
  let out = html;
  for (const {why, from, to, optional} of REPLACEMENTS) {
    const count = out.split(from).length - 1;
    if (count === 0 && (optional || out.includes(to))) continue; // not on this page, or rewritten already
    if (count !== 1) {
      throw new Error(
        `${page}: expected Framework's markup for ${why} once, found it ${count} times; ` +
          `scripts/site/accessibleHtml.ts must follow Framework's frame`
      );
    }
    out = out.replace(from, to);
  }
  return out;
}

/** Every .html file under dir, rewritten in place; returns how many. */
export function rewriteSite(dir: string): number {
  let pages = 0;
  for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (!entry.isFile() || !entry.name.endsWith(".html")) continue;
    const path = join(entry.parentPath, entry.name);
    writeFileSync(path, accessibleHtml(readFileSync(path, "utf-8"), path));
    pages++;
  }
  return pages;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? "dist";
  console.log(`accessible frame: ${rewriteSite(dir)} pages in ${dir}/`);
}
