import {CHAPTERS} from "./src/chapters.js";

// The course site. Nothing here may load from another host: no CDN, no web fonts (globalStylesheets: []).
export default {
  title: "TinyGPT Course",
  root: "src",
  pages: CHAPTERS.filter((c) => c.ready).map((c) => ({name: c.title, path: `/${c.path}`})),
  globalStylesheets: [],
  style: "style.css",
  // An inline icon: browsers ask for /favicon.ico otherwise, and the 404 shows as a console error.
  head: `<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%233b5bdb'/%3E%3Cpath d='M4 11V5h8M8 5v6' stroke='white' stroke-width='1.6' fill='none'/%3E%3C/svg%3E">`,
  header: `<div class="tg-header"><a class="tg-home" href="./">TinyGPT Course</a><div id="tg-backend" aria-live="polite"></div></div>`,
  footer: "TinyGPT Course: build, train and look inside a tiny GPT, in your browser.",
  toc: true,
  pager: true,
  search: false
};
