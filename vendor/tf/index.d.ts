export * from "@tensorflow/tfjs-core";
export {setWasmPaths, setThreadsCount, getThreadsCount} from "@tensorflow/tfjs-backend-wasm";
/** The logical cores this process (Node) or page (browser) may use. */
export declare const logicalCores: () => number;
