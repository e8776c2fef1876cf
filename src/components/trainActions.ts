// Chapter 8's save and load buttons, wired to a training session and the browser's storage.
import type {CheckpointActions} from "../inputs/checkpointControls.js";
import {downloadBytes, fileBytes, storeCheckpoint, type SavedCheckpoint} from "./checkpointStore.js";
import type {TrainSession} from "./trainSession.js";

/** "step 1,200 · the addition task · saved 21 Nov, 16:05". */
export function describeSaved(saved: SavedCheckpoint): string {
  const when = new Date(saved.savedAt).toLocaleString("en-GB", {dateStyle: "medium", timeStyle: "short"});
  return `step ${saved.step.toLocaleString("en-US")} · ${saved.label} · saved ${when}`;
}

export function sessionActions(session: TrainSession, saved: SavedCheckpoint | null): CheckpointActions {
  return {
    save: async () => {
      const {bytes, name, step} = await session.save();
      downloadBytes(bytes, name);
      const size = `${(bytes.length / 1024).toFixed(0)} KB`;
      try {
        await storeCheckpoint({bytes, name, step, savedAt: new Date().toISOString(), label: session.run.label});
        return `Downloaded ${name} (${size}) and kept it in this browser: it is offered here and in chapter 9.`;
      } catch (error) {
        return `Downloaded ${name} (${size}); this browser would not keep a copy (${(error as Error).message}).`;
      }
    },
    loadFile: async (file) => {
      await session.load(await fileBytes(file), file.name);
      return `Loaded ${file.name}.`;
    },
    saved: saved && {
      label: describeSaved(saved),
      load: async () => {
        await session.load(saved.bytes, `${saved.name} (kept in this browser)`);
        return `Loaded ${saved.name}.`;
      }
    }
  };
}
