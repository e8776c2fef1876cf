/**
 * Shows a page's conditional blocks. A block is Markdown wrapped in an element with `data-when="KEY"` (a `<div>` around
 * paragraphs, a `<span>` inside one); `when({KEY: condition, …})` shows every block under root whose key is true and
 * hides every block whose key is false, with the `hidden` attribute: out of the layout, of the accessibility tree and
 * of the text a reader (or a test) reads. Blocks whose key the call does not name are left alone, so several `when`
 * cells can share a page. A key that names no block throws, so that a misspelt key is a cell error, not a paragraph
 * that silently never shows.
 */
export function when(conditions: Readonly<Record<string, boolean>>, root: ParentNode = document): void {
  const blocks = [...root.querySelectorAll<HTMLElement>("[data-when]")];
  for (const [key, shown] of Object.entries(conditions)) {
    const named = blocks.filter((block) => block.dataset.when === key);
    if (named.length === 0) throw new Error(`when: no block has data-when="${key}"`);
    for (const block of named) block.hidden = !shown;
  }
}
