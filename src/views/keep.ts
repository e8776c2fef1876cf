// Named views kept from one redraw to the next: a redraw of a view with the same kind and name updates the elements
// it drew last time (its canvas, its legend) instead of building new ones. Names are unique on a page (tests and
// scripts find views by them), so a name stands for one figure.

const kept = new Map<string, unknown>();

/**
 * The parts a view of this kind and name built before, or build()'s new ones, kept for the next redraw. Unnamed
 * views are built anew each time.
 */
export function keep<T>(kind: string, name: string | undefined, build: () => T): {parts: T; fresh: boolean} {
  if (name === undefined) return {parts: build(), fresh: true};
  const key = `${kind}:${name}`;
  const old = kept.get(key) as T | undefined;
  if (old !== undefined) return {parts: old, fresh: false};
  const parts = build();
  kept.set(key, parts);
  return {parts, fresh: true};
}
