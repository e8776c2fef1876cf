// Chapter 8's save and load buttons, wired to the trainer and the browser's storage.
import type {CheckpointActions} from "../../inputs/checkpointControls.js";
import {downloadBytes, fileBytes, storeCheckpoint, type SavedCheckpoint} from "../checkpoints/checkpointStore.js";
import {describeSaved} from "../checkpoints/describe.js";
import {savedLabel} from "./trainData.js";
import type {Trainer} from "./trainer.js";

/** "Resume the run from step 240 (the toy sentences in characters), autosaved 16:05". */
function describeAutosaved(saved: SavedCheckpoint): string {
  const when = new Date(saved.savedAt).toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"});
  return `Resume the run from step ${saved.step.toLocaleString("en-US")} (${saved.label}), autosaved ${when}`;
}

/** Save, load a file, and load what this browser kept (the reader's save, the last run's autosave). */
export function checkpointActions(
  trainer: Trainer,
  saved: SavedCheckpoint | null,
  autosaved: SavedCheckpoint | null = null
): CheckpointActions {
  return {
    save: async () => {
      const {bytes, name, step} = await trainer.save();
      downloadBytes(bytes, name);
      const size = `${(bytes.length / 1024).toFixed(0)} KB`;
      try {
        await storeCheckpoint({bytes, name, step, savedAt: new Date().toISOString(), label: savedLabel(trainer.data)});
        return `Downloaded ${name} (${size}) and kept it in this browser: it is offered here and in chapter 9.`;
      } catch (error) {
        return `Downloaded ${name} (${size}); this browser would not keep a copy (${(error as Error).message}).`;
      }
    },
    loadFile: async (file) => {
      await trainer.load(await fileBytes(file), file.name);
      return `Loaded ${file.name}.`;
    },
    saved: saved && {
      label: describeSaved(saved),
      load: async () => {
        await trainer.load(saved.bytes, `${saved.name} (kept in this browser)`);
        return `Loaded ${saved.name}.`;
      }
    },
    autosaved: autosaved && {
      label: describeAutosaved(autosaved),
      load: async () => {
        await trainer.load(autosaved.bytes, `the autosave of ${autosaved.label}`);
        return `Loaded the autosave at step ${autosaved.step}: Start continues the run.`;
      }
    }
  };
}
