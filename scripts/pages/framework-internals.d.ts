// The parts of Framework's own Markdown and JavaScript parsers that scripts/pages/cells.ts uses (Framework 1.13 ships
// them untyped): reading a page exactly as Framework reads it.
declare module "@observablehq/framework/dist/frontMatter.js" {
  export function readFrontMatter(input: string): {content: string; data: Record<string, unknown>};
}
declare module "@observablehq/framework/dist/info.js" {
  export function parseInfo(info: string): {tag: string; attributes: Record<string, string | undefined>};
}
declare module "@observablehq/framework/dist/javascript/parse.js" {
  export function parseJavaScript(
    input: string,
    options: {path: string; inline?: boolean}
  ): {
    expression: boolean;
    declarations: {name: string}[] | null;
    references: {name: string}[];
    body: {type: string; body?: {type: string; start: number; end: number; specifiers?: {local: {name: string}}[]}[]};
  };
}
declare module "@observablehq/framework/dist/markdown.js" {
  interface Token {
    type: string;
    info: string;
    content: string;
    map: [number, number] | null;
    children: Token[] | null;
  }
  export function createMarkdownIt(): {parse(content: string, context: object): Token[]};
}
