// Small work on the wasm backend without its thread pool. The backend keeps one pool of threads (a thread per core,
// backend.ts) for every kernel; on the tiny products of a reader's model each hand-off to the pool costs more than the
// work it shares (bench/README.md, Interactivity), so a small forward pass runs its kernels on the calling thread.
import * as tf from "@tinygpt/tf";

/**
 * Where tfjs-backend-wasm 4.22.0's threaded binary keeps its pool (the C global `threadpool` that every XNNPACK kernel
 * passes to the pool; NULL runs a kernel on the calling thread): an address in the module's memory, read from the
 * binary by test/gpt/threads.test.ts and checked again at run time before it is ever written.
 */
export const WASM_POOL_SLOT = 23564;

interface WasmModule {
  HEAPU8: Uint8Array;
  tfjs: {getThreadsCount(): number};
}

let checked: WasmModule | null | undefined; // undefined: not looked at yet on this backend

/** The wasm module whose pool slot was proved to hold its pool (clearing it makes the live count -1), else null. */
function poolModule(): WasmModule | null {
  if (tf.getBackend() !== "wasm") return null;
  const wasm = (tf.backend() as unknown as {wasm?: WasmModule}).wasm;
  if (!wasm?.HEAPU8 || !wasm.tfjs?.getThreadsCount) return null;
  if (checked !== undefined && (checked === null || checked === wasm)) return checked;
  checked = null;
  const threads = wasm.tfjs.getThreadsCount();
  if (threads < 2) return null;
  const slot = new Int32Array(wasm.HEAPU8.buffer, WASM_POOL_SLOT, 1);
  const pool = slot[0];
  if (pool === 0) return null;
  slot[0] = 0;
  const without = wasm.tfjs.getThreadsCount();
  slot[0] = pool;
  if (without === -1 && wasm.tfjs.getThreadsCount() === threads) checked = wasm;
  return checked;
}

/**
 * Runs fn (synchronous TF.js work) with every wasm kernel on the calling thread, the pool set aside until fn returns;
 * on any other backend, or a wasm backend with one thread, it simply runs fn.
 */
export function onCallingThread<T>(fn: () => T): T {
  const wasm = poolModule();
  if (!wasm) return fn();
  const slot = new Int32Array(wasm.HEAPU8.buffer, WASM_POOL_SLOT, 1);
  const pool = slot[0];
  slot[0] = 0;
  try {
    return fn();
  } finally {
    new Int32Array(wasm.HEAPU8.buffer, WASM_POOL_SLOT, 1)[0] = pool;
  }
}
