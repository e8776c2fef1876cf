// Node: tfjs-core with the cpu and wasm backends, straight from node_modules.
export * from "@tensorflow/tfjs-core";
export {setWasmPaths, setThreadsCount, getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-cpu";
