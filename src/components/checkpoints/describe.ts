// What a checkpoint says about itself, in words for the reader: what it was trained on, when it was saved.
import type {SavedCheckpoint} from "./checkpointStore.js";

/** "step 1,200 · the addition task · saved 21 Nov, 16:05". */
export function describeSaved(saved: SavedCheckpoint): string {
  const when = new Date(saved.savedAt).toLocaleString("en-GB", {dateStyle: "medium", timeStyle: "short"});
  return `step ${saved.step.toLocaleString("en-US")} · ${saved.label} · saved ${when}`;
}

/** What a checkpoint's training record says it was trained on (a task, a corpus, a file), or null. */
export function trainedOn(training: Record<string, unknown> | null): string | null {
  const data = (training?.data ?? {}) as Record<string, unknown>;
  const name = data.task ?? data.corpus ?? data.file ?? data.text;
  return name ? String(name).replace(/^.*\//, "") : null;
}

/** A checkpoint's training record (JSON in its metadata) as an object; null when absent or unreadable. */
export function parseRecord(json: string | undefined): Record<string, unknown> | null {
  try {
    return json ? (JSON.parse(json) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
