// The measurements that run on a TF.js backend: the same code in Node (tsx) and in Chromium (bundled by
// bench/browser.ts with the "browser" condition, as the site gets src/gpt). Each returns plain JSON.
export * from "./common.js";
export * from "./ceiling.js";
export * from "./training.js";
export * from "./generation.js";
export * from "./memory.js";
export * from "./soak.js";
