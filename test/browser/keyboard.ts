// Walking a page with the Tab key, as a keyboard user does: which controls it reaches, and whether each shows where
// the focus is.
import type {Page} from "playwright-core";
import {allowNamedFunctions} from "./settle.js";

export interface TabWalk {
  /** Controls the walk never reached: tag, name and the heading above them. */
  missed: string[];
  /** Controls reached whose focus is not drawn: no outline of 2 px or more, no box shadow. */
  ringless: string[];
  reached: number;
}

/**
 * Tabs from the top of the page until the focus wraps round. Expected are the controls a reader sees (links, buttons,
 * form fields, anything with a tabindex of 0 or more), enabled and not hidden; of a radio group, one (Tab enters a group
 * once, the arrow keys move within it).
 */
export async function tabThrough(page: Page): Promise<TabWalk> {
  const expected = await page.evaluate(() => {
    const selector = "a[href], button, input, select, textarea, summary, [tabindex]";
    const groups = new Set<string>();
    let n = 0;
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      delete element.dataset.tabKey;
      if (element.tabIndex < 0 || (element as HTMLInputElement).disabled || element.closest("[inert]")) continue;
      if (!element.checkVisibility({visibilityProperty: true})) continue;
      // a radio group is its form's radios of one name (Inputs names every group "input")
      const radio = element instanceof HTMLInputElement && element.type === "radio" ? element : null;
      const key = radio ? `radio:${[...document.forms].indexOf(radio.form!)}:${radio.name}` : `control:${n++}`;
      element.dataset.tabKey = key;
      groups.add(key);
    }
    (document.activeElement as HTMLElement | null)?.blur();
    scrollTo(0, 0);
    return [...groups];
  });
  await allowNamedFunctions(page);
  const reached = new Set<string>();
  const ringless: string[] = [];
  for (let press = 0; press < expected.length + 40; press++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
      const g = globalThis as {tabLate?: number};
      element.dataset.tabKey ??= `late:${(g.tabLate = (g.tabLate ?? 0) + 1)}`; // drawn after the walk began
      return {key: element.dataset.tabKey, ring, what: describe(element)};
      function describe(e: HTMLElement): string {
        const name = e.getAttribute("aria-label") ?? e.textContent?.trim().slice(0, 40) ?? "";
        const type = e instanceof HTMLInputElement ? `[${e.type}]` : "";
        return `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${type} “${name}”`;
      }
    });
    if (focused === null || reached.has(focused.key)) break; // back at the top
    reached.add(focused.key);
    if (!focused.ring) ringless.push(focused.what);
  }
  const missed = await page.evaluate(
    (keys) =>
      keys.map((key) => {
        const element = document.querySelector<HTMLElement>(`[data-tab-key="${key}"]`)!;
        const label = element.getAttribute("aria-label") ?? element.textContent?.trim().slice(0, 40);
        return `${element.tagName.toLowerCase()} “${label}”`;
      }),
    expected.filter((key) => !reached.has(key))
  );
  return {missed, ringless, reached: reached.size};
}
