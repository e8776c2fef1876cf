// Browser: bundled into one ESM module by scripts/vendor.mjs, so that seedrandom and the
// backends share one tfjs-core instance (Framework's per-package bundling breaks seedrandom).
export * from "@tensorflow/tfjs-core";
export {setWasmPaths, setThreadsCount, getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";

/** The logical cores this page may use. */
export const logicalCores = () => globalThis.navigator?.hardwareConcurrency || 1;
