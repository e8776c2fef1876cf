// A run keeps itself in the browser: while chapter 8 trains, the trainer's snapshots of the model are stored in
// IndexedDB (the "autosave" slot, apart from the reader's own save) at most every 30 s, and whenever a run pauses,
// stops, finishes or fails, so a closed or reloaded tab can resume from it. A snapshot is already on the CPU: storing
// it never waits on the GPU or on the training loop.
import {storeCheckpoint, type SavedCheckpoint} from "../checkpoints/checkpointStore.js";
import {expose} from "../page/testHooks.js";
import {savedLabel} from "./trainData.js";
import type {Trainer} from "./trainer.js";

declare module "../page/testHooks.js" {
  interface TestHooks {
    autosave?: {step: number; savedAt: string} | {error: string};
  }
}

const AUTOSAVE_EVERY_MS = 30_000;

/** Starts autosaving the trainer's runs (to IndexedDB unless told where); returns the function that stops it. */
export function autosave(
  trainer: Trainer,
  {everyMs = AUTOSAVE_EVERY_MS, store = (saved: SavedCheckpoint) => storeCheckpoint(saved, "autosave")} = {}
): () => void {
  let last = Date.now();
  let writing: Promise<void> = Promise.resolve();
  return trainer.onSnapshot((snapshot, why) => {
    if (why === "initial" || !snapshot.optimizer.step) return;
    if (why === "progress" && Date.now() - last < everyMs) return;
    last = Date.now();
    const {bytes, name, step} = trainer.checkpoint(snapshot);
    const saved = {bytes, name, step, savedAt: new Date(snapshot.at).toISOString(), label: savedLabel(trainer.data)};
    writing = writing
      .then(() => store(saved))
      .then(() => expose("autosave", {step, savedAt: saved.savedAt}))
      .catch((error: Error) => expose("autosave", {error: error.message})); // no storage: nothing to offer later
  });
}
