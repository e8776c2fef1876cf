// Work an edit owes but the reader does not see (writing the URL and localStorage): done once the page is idle after
// the redraw, not inside the input event, so it never delays the painted frame; done at once when the page is left.

const owed = new Map<string, () => void>();
let scheduled = false;

/** Every owed write, now. */
export function flushOwed(): void {
  scheduled = false;
  const writes = [...owed.values()];
  owed.clear();
  for (const write of writes) write();
}

/**
 * Runs write when the page is next idle (after the frames an edit draws), or when the page is hidden or left, whichever
 * comes first. A later write with the same key replaces one not yet done: only the last model is written.
 */
export function afterRedraw(key: string, write: () => void): void {
  owed.set(key, write);
  if (scheduled) return;
  scheduled = true;
  if (typeof requestIdleCallback === "function") requestIdleCallback(flushOwed, {timeout: 1000});
  else setTimeout(flushOwed, 200);
}

if (typeof addEventListener === "function") {
  addEventListener("pagehide", flushOwed);
  addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flushOwed();
  });
}
