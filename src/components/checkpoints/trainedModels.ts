// The trained models a page can load: the checkpoints this site ships (data/checkpoints, copied and attached by
// scripts/vendor.mjs), the one the reader last saved in chapter 8 and that chapter's last autosaved run (IndexedDB).
// Chapter 9 generates with them; chapters 2–5 show them beside the reader's fresh model.
import {loadCheckpoint} from "../../gpt/checkpoint.js";
import {checkpointInfo, isAdditionModel, readCheckpointInfo, trainedOn} from "../../gpt/checkpointInfo.js";
import type {GPTConfig} from "../../gpt/config.js";
import {disposeParams, type Params} from "../../gpt/params.js";
import {SHIPPED} from "../../vendor/checkpoints/index.js";
import {lastCheckpoint, type SavedCheckpoint} from "./checkpointStore.js";
import {listed, type ModelTokenizer} from "./modelTokenizer.js";
import {describeSaved} from "./describe.js";

export type {ModelTokenizer} from "./modelTokenizer.js";

export interface ModelEntry {
  key: string;
  label: string;
  addition: boolean; // whether it is an addition model, as its metadata says (isAdditionModel)
  bytes: () => Promise<Uint8Array>;
}

/**
 * A loaded model shared by the page's cells. Cells that compute with it hold it with use() (or acquire/release);
 * dispose() aborts what is running (signal) and frees the weights once the last holder lets go, so a cell that
 * is still finishing a token never meets a freed tensor.
 */
export class TrainedModel {
  private holders = 0;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(
    readonly key: string,
    readonly label: string,
    readonly params: Params,
    readonly config: GPTConfig,
    readonly tokenizer: ModelTokenizer,
    readonly addition: boolean // an addition model, as its metadata says
  ) {}

  get signal(): AbortSignal {
    return this.closing.signal;
  }

  acquire(): void {
    if (this.closed) throw new Error("this model was replaced");
    this.holders++;
  }

  release(): void {
    if (--this.holders === 0 && this.closed) disposeParams(this.params);
  }

  async use<T>(fn: (model: TrainedModel) => Promise<T>): Promise<T> {
    this.acquire();
    try {
      return await fn(this);
    } finally {
      this.release();
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    if (this.holders === 0) disposeParams(this.params);
  }
}

const shape = (c: Record<string, unknown> | null) => (c ? `${c.nLayer} layers × ${c.nEmbd}` : "");

/** The checkpoints this site ships, fetched only when opened. */
export const shippedEntries = (): ModelEntry[] =>
  SHIPPED.map((s) => ({
    key: `shipped:${s.name}`,
    label: `${s.name} · shipped · ${shape(s.config)}, trained on ${trainedOn(s.training) ?? "unknown data"}`,
    addition: isAdditionModel(s),
    bytes: async () => {
      const response = await fetch(s.href);
      if (!response.ok) throw new Error(`${s.file}: the server answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
  }));

/** The shipped checkpoints, then the reader's saved one and the last run's autosave (if any). */
export async function modelEntries(): Promise<ModelEntry[]> {
  const shipped = shippedEntries();
  const [saved, autosaved] = await Promise.all([lastCheckpoint("last"), lastCheckpoint("autosave")]);
  const own = (key: string, who: string, c: SavedCheckpoint): ModelEntry => ({
    key,
    label: `${who} · ${describeSaved(c)}`,
    addition: isAdditionModel(infoOf(c.bytes)),
    bytes: async () => c.bytes
  });
  return [
    ...shipped,
    ...(saved ? [own("saved", "yours", saved)] : []),
    ...(autosaved ? [own("autosave", "your last run (autosaved)", autosaved)] : [])
  ];
}

/** What a stored checkpoint says it is; nothing, when its bytes are not a checkpoint (openModel then says why). */
function infoOf(bytes: Uint8Array) {
  try {
    return readCheckpointInfo(bytes);
  } catch {
    return {tokenizer: null, training: null};
  }
}

/** The entry to start from: a shipped text model when there is one (it writes prose), else the first. */
export const defaultEntry = (entries: readonly ModelEntry[]): ModelEntry | undefined =>
  entries.find((e) => e.key.startsWith("shipped:") && !e.addition) ?? entries[0];

/** Loads an entry's weights (the caller disposes the model). Throws CheckpointError when invalid. */
export async function openModel(entry: ModelEntry): Promise<TrainedModel> {
  const checkpoint = loadCheckpoint(await entry.bytes());
  if (!checkpoint.tokenizer) {
    disposeParams(checkpoint.params);
    throw new Error(`${entry.label} has no tokenizer: it cannot turn text into ids`);
  }
  const {params, config, tokenizer, extra} = checkpoint;
  const addition = isAdditionModel({...checkpointInfo(extra.metadata), tokenizer: tokenizer.toJSON()});
  return new TrainedModel(entry.key, entry.label, params, config, listed(tokenizer), addition);
}
