import type {Group} from "./heatmap.js";
import {visible} from "./tokenStrip.js";

/** Rows or columns labelled by position: "0", "1", … "n−1", or with a prefix "t0", "t1", …. */
export const indexLabels = (n: number, prefix = ""): string[] => Array.from({length: n}, (_, i) => `${prefix}${i}`);

/** Rows or columns labelled by token, with spaces and line breaks made visible (␣, ↵). */
export const tokenLabels = (tokens: readonly string[]): string[] => tokens.map(visible);

/** Runs of columns of one size, one per label: the q, k and v thirds of c_attn, each head's slice of Y. */
export const columnGroups = (labels: readonly string[], size: number): Group[] =>
  labels.map((label, g) => ({label, start: g * size, end: (g + 1) * size}));

/** Each token and the token after it, "a→b"; "a→·" where nothing follows. */
export const nextLabels = (tokens: readonly string[], next: readonly (string | null)[]): string[] =>
  tokens.map((token, i) => `${visible(token)}→${next[i] === null ? "·" : visible(next[i])}`);
