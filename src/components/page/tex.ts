import {renderTex} from "./katexRender.js";
import {FONT_FACES} from "../../vendor/katex/fonts.js";

/**
 * KaTeX, self-hosted: its stylesheet comes in through style.css and its fonts are files of this site, declared here
 * (Framework cannot bundle the stylesheet's own font URLs). Output is HTML for the look plus MathML for screen readers.
 * Use inline as ${tex`\\sqrt{d}`} or as a display formula with tex.block`…`.
 */
function declareFonts(): void {
  if (document.getElementById("tg-katex-fonts")) return;
  const style = document.createElement("style");
  style.id = "tg-katex-fonts";
  style.textContent = FONT_FACES.map(
    (f) =>
      `@font-face{font-family:${f.family};font-style:${f.style};font-weight:${f.weight};font-display:block;` +
      `src:url(${JSON.stringify(f.href)}) format("woff2")}`
  ).join("\n");
  document.head.append(style);
}

function render(displayMode: boolean, strings: TemplateStringsArray | string, values: unknown[]): Element {
  declareFonts();
  return renderTex(typeof strings === "string" ? strings : String.raw({raw: strings.raw}, ...values), displayMode);
}

export function tex(strings: TemplateStringsArray | string, ...values: unknown[]): Element {
  return render(false, strings, values);
}

tex.block = (strings: TemplateStringsArray | string, ...values: unknown[]): Element => render(true, strings, values);
