// Node: bundled into one ESM module by scripts/vendor.mjs (tfjs-core's own Node build ships no gradients).
export * from "@tensorflow/tfjs-core";
export {setWasmPaths, setThreadsCount, getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
