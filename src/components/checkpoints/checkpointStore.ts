// Checkpoints in and out of a page, as bytes: as a download, in the browser's storage (IndexedDB, so the last saved
// model is offered again after a reload, here and in chapter 9, and so is the run's autosave), and from a file the
// reader picks.

/** The last checkpoint saved in this browser. */
export interface SavedCheckpoint {
  bytes: Uint8Array;
  name: string; // the file name it was downloaded as
  savedAt: string; // ISO time
  step: number;
  label: string; // what it was trained on, for the reader
}

/** Offers bytes as a file download. */
export function downloadBytes(bytes: Uint8Array, fileName: string): void {
  const blob = new Blob([bytes as BlobPart], {type: "application/octet-stream"});
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file's bytes, refusing files larger than maxBytes. */
export async function fileBytes(file: File, maxBytes = 200e6): Promise<Uint8Array> {
  if (file.size > maxBytes) throw new Error(`${file.name} is ${(file.size / 1e6).toFixed(0)} MB; at most 200 MB here`);
  return new Uint8Array(await file.arrayBuffer());
}

const DB = "tinygpt";
const STORE = "checkpoints";
/** The reader's explicit save, and the one a run keeps by itself (autosave.ts): two slots, neither replaces the other. */
export type StoreKey = "last" | "autosave";

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (!globalThis.indexedDB) return reject(new Error("this browser has no IndexedDB"));
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB would not open"));
  });
}

async function transact<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = act(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error ?? new Error("IndexedDB failed"));
    });
  } finally {
    db.close();
  }
}

/** Keeps a checkpoint as the browser's last saved one (replacing the previous). Throws when storage refuses. */
export async function storeCheckpoint(saved: SavedCheckpoint, key: StoreKey = "last"): Promise<void> {
  await transact("readwrite", (store) => store.put(saved, key));
}

/** The last checkpoint saved in this browser, or null (none, or storage unavailable). */
export async function lastCheckpoint(key: StoreKey = "last"): Promise<SavedCheckpoint | null> {
  try {
    const saved = await transact<SavedCheckpoint | undefined>("readonly", (store) => store.get(key));
    return saved && saved.bytes instanceof Uint8Array ? saved : null;
  } catch {
    return null;
  }
}
