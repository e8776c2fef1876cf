// Checks the code of every page (src/*.md): its ```js cells and ${…} expressions are type-checked with TypeScript
// and linted with ESLint, each problem reported at its page line. Part of `npm run typecheck`, so a broken cell fails
// before the browser tests run. Usage: tsx scripts/pages/check.ts [src/page.md …]
import {readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {extractPieces, pageModule, type Problem} from "./cells.js";
import {lintModules} from "./lint.js";
import {typecheckModules} from "./typecheck.js";

/** Cells' lines longer than this are reported (prose belongs in Markdown, not in JS strings); null: not checked. */
export const MAX_CELL_LINE: number | null = 120;

export interface Page {
  /** Relative to the project's root, e.g. src/01-tokens.md (the page need not exist on disk). */
  path: string;
  text: string;
}

export async function checkPages(
  pages: Page[],
  {root = process.cwd(), maxCellLine = MAX_CELL_LINE}: {root?: string; maxCellLine?: number | null} = {}
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const modules = new Map<string, string>();
  const origins = new Map<string, {page: string; origin: {line: number; column: number}[]}>();
  for (const page of pages) {
    const pieces = extractPieces(page.text);
    const module = pageModule(pieces);
    problems.push(...module.problems.map((p) => ({path: page.path, ...p})));
    const file = `${page.path}.js`;
    modules.set(file, module.text);
    origins.set(file, {page: page.path, origin: module.origin});
    if (maxCellLine !== null) problems.push(...longLines(page.path, pieces, maxCellLine));
  }
  const at = (file: string, line: number, column: number) => {
    const {page, origin} = origins.get(file)!;
    const from = origin[Math.min(line, origin.length - 1)];
    return {path: page, line: from.line, column: from.column + column + 1};
  };
  for (const d of typecheckModules(modules, root))
    problems.push({...at(d.file, d.line, d.column), message: d.message, source: `ts${d.code}`});
  for (const m of await lintModules(modules, root))
    problems.push({...at(m.file, m.line, m.column), message: m.message, source: m.rule});
  return problems.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
}

function longLines(path: string, pieces: ReturnType<typeof extractPieces>, max: number): Problem[] {
  const problems: Problem[] = [];
  for (const piece of pieces) {
    if (piece.kind !== "cell") continue;
    piece.code.split("\n").forEach((line, i) => {
      if (line.length > max)
        problems.push({
          path,
          line: piece.line + i,
          column: max + 1,
          message: `line is ${line.length} characters, more than ${max}: move prose into Markdown`,
          source: "line-length"
        });
    });
  }
  return problems;
}

export function format(problem: Problem): string {
  return `${problem.path}:${problem.line}:${problem.column}  ${problem.message}  (${problem.source})`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const given = process.argv.slice(2);
  const paths = given.length
    ? given
    : readdirSync("src")
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => join("src", name));
  const problems = await checkPages(paths.map((path) => ({path, text: readFileSync(path, "utf8")})));
  for (const problem of problems) console.error(format(problem));
  const cells = paths.length === 1 ? "1 page" : `${paths.length} pages`;
  if (problems.length) {
    console.error(`${problems.length} problem${problems.length === 1 ? "" : "s"} in the code of ${cells}`);
    process.exit(1);
  }
  console.log(`pages: the code of ${cells} type-checks and lints clean`);
}
