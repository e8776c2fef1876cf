import {CHAPTERS} from "./src/chapters.js";

// The course site. Nothing here may load from another host: no CDN, no web fonts (globalStylesheets: []).
export default {
  title: "TinyGPT Course",
  root: "src",
  pages: CHAPTERS.filter((c) => c.ready).map((c) => ({name: c.title, path: `/${c.path}`})),
  globalStylesheets: [],
  style: "style.css",
  header: `<div class="tg-header"><a class="tg-home" href="./">TinyGPT Course</a><div id="tg-backend" aria-live="polite"></div></div>`,
  footer: "TinyGPT Course: build, train and look inside a tiny GPT, in your browser.",
  toc: true,
  pager: true,
  search: false
};
