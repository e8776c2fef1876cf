import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The one-way imports of docs/architecture.md, as lint errors. A zone is a folder whose files must not import some
// folders (relative paths, matched from any depth: "../gpt/x.js", "../../src/gpt/x.js") or packages. Each file is in
// at most one zone: ESLint keeps only the last no-restricted-imports setting that matches a file.
const TFJS = ["@tinygpt/tf", "@tensorflow/*"];
const DOM = ["htl", "d3", "d3-*", "katex", "@observablehq/*"];
/** The chapters' folders of src/components: each may import page/, reader/, checkpoints/ and the layers below. */
const CHAPTERS = ["step", "training", "generation", "tokenizers", "counting", "lora"];
/** The folders of src/components that chapters share: they never import a chapter's folder. */
const SHARED = ["page", "reader", "checkpoints"];

const escape = (text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
const folders = (names, prefix = "") => `^(\\.\\./)+${prefix}(${names.map(escape).join("|")})(/|$)`;
const packages = (names) => `^(${names.map((name) => escape(name).replace("*", "[^/]+")).join("|")})(/|$)`;

function zone(files, {dirs = [], under = "", pkgs = []}, why) {
  const patterns = [];
  if (dirs.length) patterns.push({regex: folders(dirs, under), message: why});
  if (pkgs.length) patterns.push({regex: packages(pkgs), message: why});
  return {files, rules: {"no-restricted-imports": ["error", {patterns}]}};
}

const zones = [
  zone(
    ["src/views/**", "src/inputs/**"],
    {dirs: ["gpt", "components"], under: "(src/)?", pkgs: TFJS},
    "views/ and inputs/ take plain arrays and DOM: never src/gpt, src/components or TF.js."
  ),
  zone(
    ["src/gpt/**"],
    {dirs: ["components", "views", "inputs"], under: "(src/)?", pkgs: DOM},
    "src/gpt is the math without a DOM: never src/components, src/views, src/inputs or a DOM library."
  ),
  zone(["bench/**"], {dirs: ["test"]}, "bench/ never imports test/: shared browser helpers live in scripts/browser/."),
  zone(
    ["scripts/**"],
    {dirs: ["test"]},
    "scripts/ never imports test/: shared browser helpers live in scripts/browser/."
  ),
  zone(
    ["cli/**"],
    {dirs: ["components", "views", "inputs"], under: "src/"},
    "cli/ drives src/gpt only: never src/components, src/views or src/inputs."
  ),
  zone(
    SHARED.map((folder) => `src/components/${folder}/**`),
    {dirs: CHAPTERS, under: "(components/)?"},
    "components/page, reader and checkpoints are shared by the chapters: they never import a chapter's folder."
  ),
  ...CHAPTERS.map((chapter) =>
    zone(
      [`src/components/${chapter}/**`],
      {dirs: CHAPTERS.filter((other) => other !== chapter), under: "(components/)?"},
      `components/${chapter}/ never imports another chapter's folder: what two chapters share lives in ` +
        "components/page, components/reader, components/checkpoints or src/gpt."
    )
  )
];

export default tseslint.config(
  {ignores: ["dist/", "node_modules/", "src/.observablehq/", "src/vendor/", "vendor/tf/dist/", "bench/results/"]},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {console: "readonly", process: "readonly", URL: "readonly"}},
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_"}]
    }
  },
  ...zones,
  {
    // The code of the pages, as scripts/pages/check.ts lints it (one module per page, src/NAME.md.js): TypeScript
    // checks its names against the DOM and Framework's globals, so no-undef is off as for .ts files.
    files: ["src/**/*.md.js"],
    rules: {
      "no-undef": "off",
      // a page's first import names the runtime's backend and tf (docs/writing-a-chapter.md), used or not
      "@typescript-eslint/no-unused-vars": [
        "error",
        {argsIgnorePattern: "^_", varsIgnorePattern: "^(_.*|backend|tf)$"}
      ],
      "no-restricted-imports": [
        "error",
        {patterns: [{regex: "^(npm|jsr|https?):", message: "pages import from node_modules: never from another host."}]}
      ]
    }
  }
);
