// A DOM for view tests in Node: jsdom's window installed as globals (document, Event, …), with a silent console
// (jsdom has no canvas; heatmap then skips painting, and the layout, labels and data attributes remain testable).
import {JSDOM, VirtualConsole} from "jsdom";

export function installDom(): JSDOM {
  const dom = new JSDOM("<!doctype html><html><body></body></html>", {
    pretendToBeVisual: true,
    virtualConsole: new VirtualConsole()
  });
  const g = globalThis as Record<string, unknown>;
  for (const key of ["window", "document", "Event", "HTMLElement", "SVGElement", "Node", "getComputedStyle"]) {
    g[key] = (dom.window as unknown as Record<string, unknown>)[key];
  }
  return dom;
}

/** A matrix of the given size with values i - j (so the largest |value| is known). */
export const ramp = (rows: number, cols: number): number[][] =>
  Array.from({length: rows}, (_, i) => Array.from({length: cols}, (_, j) => i - j));
