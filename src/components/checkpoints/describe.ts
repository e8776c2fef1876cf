// A checkpoint kept in this browser, in words for the reader: its step, what it was trained on, when it was saved.
import type {SavedCheckpoint} from "./checkpointStore.js";

/** "step 1,200 · the addition task · saved 21 Nov, 16:05". */
export function describeSaved(saved: SavedCheckpoint): string {
  const when = new Date(saved.savedAt).toLocaleString("en-GB", {dateStyle: "medium", timeStyle: "short"});
  return `step ${saved.step.toLocaleString("en-US")} · ${saved.label} · saved ${when}`;
}
