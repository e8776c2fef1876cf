// Node: bundled into one ESM module by scripts/vendor.mjs (tfjs-core's own Node build ships no gradients).
import {env} from "@tensorflow/tfjs-core";
import {availableParallelism} from "node:os";
export * from "@tensorflow/tfjs-core";
export {setWasmPaths, setThreadsCount, getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";

// The wasm backend reports no threads in Node; the bundle loads its workers from files (scripts/vendor.mjs), so it may.
env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);

/** The logical cores this process may use. */
export const logicalCores = () => availableParallelism();
