// The code of a Framework page (src/*.md), read as Framework reads it: its ```js cells and its inline ${…}
// expressions, each with the page line it starts on, joined into one JavaScript module that TypeScript and ESLint
// can check. Cells run in dataflow order, not page order, so the module puts every cell after the cells it reads.
import {readFrontMatter} from "@observablehq/framework/dist/frontMatter.js";
import {parseInfo} from "@observablehq/framework/dist/info.js";
import {parseJavaScript} from "@observablehq/framework/dist/javascript/parse.js";
import {createMarkdownIt} from "@observablehq/framework/dist/markdown.js";

/** One piece of a page's code: a ```js cell or an inline ${…} expression. */
export interface Piece {
  kind: "cell" | "inline";
  code: string;
  /** The page line (1-based) of the code's first line; for a cell, the line after its opening fence. */
  line: number;
  /** The page column (0-based) where the code's first line starts: 0 for a cell, after `${` for an inline one. */
  column: number;
}

/** A problem found in a page, at a page line and column (both 1-based). */
export interface Problem {
  path: string;
  line: number;
  column: number;
  message: string;
  /** Where it comes from: "ts2345", an ESLint rule's name, "framework" (Framework refuses it) or "line-length". */
  source: string;
}

const md = createMarkdownIt();

export function extractPieces(text: string): Piece[] {
  const {content} = readFrontMatter(text);
  const offset = text.endsWith(content) ? lineOf(text, text.length - content.length) : 0;
  const tokens = md.parse(content, {code: [], startLine: 0, currentLine: 0, path: "/page"});
  // inline expressions carry no position: find each in the page text, in order, with the fenced code blanked out
  let blanked = content;
  for (const token of tokens)
    if (token.type === "fence" && token.map) blanked = blankLines(blanked, token.map[0], token.map[1]);
  let from = 0;
  const pieces: Piece[] = [];
  for (const token of tokens) {
    if (token.type === "fence" && token.map && parseInfo(token.info).tag === "js") {
      const attributes = parseInfo(token.info).attributes;
      if (attributes.run?.toLowerCase() === "false") continue;
      pieces.push({kind: "cell", code: token.content, line: offset + token.map[0] + 2, column: 0});
    }
    for (const child of token.children ?? []) {
      if (child.type !== "placeholder") continue;
      const start = token.map ? Math.max(from, indexOfLine(blanked, token.map[0])) : from;
      const at = blanked.indexOf(`\${${child.content}}`, start);
      if (at < 0) throw new Error(`inline expression \${${child.content}} not found in the page text`);
      from = at + child.content.length + 3;
      const lineStart = blanked.lastIndexOf("\n", at) + 1;
      pieces.push({
        kind: "inline",
        code: child.content,
        line: offset + lineOf(blanked, at) + 1,
        column: at - lineStart + 2
      });
    }
  }
  return pieces;
}

/** A page's code as one module: text, and for each of its lines the page line and column offset it comes from. */
export interface PageModule {
  text: string;
  origin: {line: number; column: number}[];
  /** What Framework itself refuses (a syntax error, a cycle): reported as they are, not put in the module. */
  problems: Omit<Problem, "path">[];
}

interface Parsed {
  piece: Piece;
  expression: boolean;
  declares: string[];
  reads: string[];
  /** Where the cell's import declarations are in its code (imports are hoisted to the page's module). */
  imports: {start: number; end: number}[];
  imported: string[];
}

/** Declared in framework-globals.d.ts: what another cell reads from a cell's variables (promises and generators). */
const CELL = "__frameworkCell";

export function pageModule(pieces: Piece[]): PageModule {
  const problems: PageModule["problems"] = [];
  const parsed: Parsed[] = [];
  for (const piece of pieces) {
    try {
      const node = parseJavaScript(piece.code, {path: "/page", inline: piece.kind === "inline"});
      const imports = (node.body.body ?? []).filter((n) => n.type === "ImportDeclaration");
      parsed.push({
        piece,
        expression: node.expression,
        declares: (node.declarations ?? []).map((d) => d.name),
        reads: node.references.map((r) => r.name),
        imports: imports.map(({start, end}) => ({start, end})),
        imported: imports.flatMap((n) => (n.specifiers ?? []).map((s) => s.local.name))
      });
    } catch (error) {
      const {loc, message} = error as {loc?: {line: number; column: number}; message: string};
      problems.push({
        line: piece.line + (loc ? loc.line - 1 : 0),
        column: (loc ? loc.column + (loc.line === 1 ? piece.column : 0) : piece.column) + 1,
        message: message,
        source: "framework"
      });
    }
  }
  const declarer = new Map<string, Parsed>();
  for (const p of parsed) {
    for (const name of p.declares) {
      const first = declarer.get(name);
      if (!first) declarer.set(name, p);
      else
        problems.push({
          line: p.piece.line,
          column: 1,
          message: `${name} is defined more than once (first in the cell at line ${first.piece.line})`,
          source: "framework"
        });
    }
  }
  const readElsewhere = new Set<string>();
  for (const p of parsed)
    for (const name of p.reads) if (declarer.get(name) && declarer.get(name) !== p) readElsewhere.add(name);

  const text: string[] = [];
  const origin: PageModule["origin"] = [];
  /** code's lines, the first at page line `line` and column `column` */
  const emit = (code: string, line: number, column: number) =>
    code.split("\n").forEach((l, i) => {
      text.push(l);
      origin.push({line: line + i, column: i === 0 ? column : 0});
    });
  for (const p of dataflowOrder(parsed, declarer, problems)) {
    const {piece} = p;
    const code = piece.code.replace(/\n$/, "");
    const last = piece.line + code.split("\n").length - 1;
    if (p.expression) {
      // an expression is displayed: display() says so (and keeps two pieces' code apart)
      emit("display(", piece.line, 0);
      emit(code, piece.line, piece.column);
      emit(");", last, 0);
      continue;
    }
    // a cell runs in its own function; what other cells read of it is its variables' values, promises awaited and
    // generators' latest values (Framework's dataflow), and its imports belong to the page
    let body = code;
    for (const {start, end} of p.imports) {
      const before = code.slice(0, start);
      const lineStart = before.lastIndexOf("\n") + 1;
      emit(
        code.slice(start, end),
        piece.line + lineOf(code, start),
        start - lineStart + (lineStart === 0 ? piece.column : 0)
      );
      body = body.slice(0, start) + code.slice(start, end).replace(/[^\n]/g, " ") + body.slice(end);
    }
    if (!body.trim()) continue;
    const exported = p.declares.filter((name) => readElsewhere.has(name) && !p.imported.includes(name));
    const names = `{${exported.join(", ")}}`;
    emit(exported.length ? `const ${names} = ${CELL}(await (async () => {` : "await (async () => {", piece.line, 0);
    emit(body, piece.line, piece.column);
    emit(exported.length ? `return ${names};\n})());` : "})();", last, 0);
  }
  emit("export {};", pieces.at(-1)?.line ?? 1, 0);
  return {text: text.join("\n") + "\n", origin, problems};
}

/** The pieces with every declaring cell before the pieces that read it (page order otherwise); cycles reported. */
function dataflowOrder(parsed: Parsed[], declarer: Map<string, Parsed>, problems: PageModule["problems"]): Parsed[] {
  const order: Parsed[] = [];
  const state = new Map<Parsed, "visiting" | "done">();
  const visit = (p: Parsed, path: Parsed[]): void => {
    if (state.get(p) === "done") return;
    if (state.get(p) === "visiting") {
      const cycle = path.slice(path.indexOf(p));
      problems.push({
        line: p.piece.line,
        column: 1,
        message: `circular definition: cells at lines ${cycle.map((c) => c.piece.line).join(" → ")} read each other`,
        source: "framework"
      });
      return;
    }
    state.set(p, "visiting");
    for (const name of p.reads) {
      const from = declarer.get(name);
      if (from && from !== p) visit(from, [...path, p]);
    }
    state.set(p, "done");
    order.push(p);
  };
  for (const p of parsed) visit(p, []);
  return order;
}

function lineOf(text: string, index: number): number {
  let line = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function indexOfLine(text: string, line: number): number {
  let index = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf("\n", index);
    if (next < 0) return text.length;
    index = next + 1;
  }
  return index;
}

function blankLines(text: string, from: number, to: number): string {
  const start = indexOfLine(text, from);
  const end = indexOfLine(text, to);
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, " ") + text.slice(end);
}
