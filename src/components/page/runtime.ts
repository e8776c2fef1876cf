import {FileAttachment} from "observablehq:stdlib";
import * as tf from "@tinygpt/tf";
import {BACKENDS, initBackend, isBackendName, onBackendLost, type BackendStatus} from "../../gpt/backend.js";
import {backendBadge, demotedNotice, fallbackNotice} from "../../views/backendBadge.js";
import {backendPicker} from "../../inputs/backendPicker.js";
import {localStore} from "./localStore.js";

/**
 * Every page imports this module first: it starts TF.js on the best backend (or the one the reader forced with
 * ?backend=NAME or the header control, remembered in localStorage) and shows the choice in the header, with the wasm
 * backend's threads and, where WebGPU's adapter is software and the page chose another backend, why.
 */
const STORAGE_KEY = "tinygpt.backend";

const wasmPaths = {
  "tfjs-backend-wasm.wasm": FileAttachment("../../vendor/wasm/tfjs-backend-wasm.wasm").href,
  "tfjs-backend-wasm-simd.wasm": FileAttachment("../../vendor/wasm/tfjs-backend-wasm-simd.wasm").href,
  "tfjs-backend-wasm-threaded-simd.wasm": FileAttachment("../../vendor/wasm/tfjs-backend-wasm-threaded-simd.wasm").href
};

function requestedBackend(): {name: string | null; problem: string | null} {
  const param = new URLSearchParams(location.search).get("backend");
  if (param !== null) {
    if (param === "auto" || param === "") return {name: null, problem: null};
    if (isBackendName(param)) return {name: param, problem: null};
    return {
      name: null,
      problem: `Unknown backend “${param}” in the URL was ignored; choose one of ${BACKENDS.join(", ")}.`
    };
  }
  const stored = localStore()?.getItem(STORAGE_KEY) ?? null;
  return {name: isBackendName(stored) ? stored : null, problem: null};
}

function choose(name: string): void {
  const storage = localStore();
  if (name === "auto") storage?.removeItem(STORAGE_KEY);
  else storage?.setItem(STORAGE_KEY, name);
  const url = new URL(location.href);
  url.searchParams.set("backend", name);
  location.assign(url.href);
}

const request = requestedBackend();
export const backend: BackendStatus = await initBackend({
  prefer: isBackendName(request.name) ? request.name : null,
  wasmPaths
});

/** TF.js itself, ready on the chosen backend: import it from here so a cell cannot run before the backend is set. */
export {tf};

function mount(): void {
  const slot = document.getElementById("tg-backend");
  if (slot) {
    const picker = backendPicker(BACKENDS, backend.requested ?? "auto");
    picker.addEventListener("input", () => choose(picker.value));
    slot.replaceChildren(backendBadge(backend), picker);
  }
  const main = document.getElementById("observablehq-main") ?? document.querySelector("main");
  const notices = [
    fallbackNotice(backend),
    demotedNotice(backend),
    request.problem ? problemNotice(request.problem) : null
  ];
  for (const notice of notices) if (notice && main) main.prepend(notice);
}

function problemNotice(text: string): HTMLElement {
  const notice = document.createElement("div");
  notice.className = "tg-notice";
  notice.setAttribute("role", "status");
  notice.textContent = text;
  return notice;
}

mount();

// WebGPU's device can be lost mid-session (GPU reset, driver crash): the library has switched backend; say so.
onBackendLost((status, lost, reason) => {
  const main = document.getElementById("observablehq-main") ?? document.querySelector("main");
  const text = `The ${lost} device was lost (${reason}); this page now runs on ${status.active}. Tensors made before are gone: change a setting to recompute, or reload.`;
  main?.prepend(problemNotice(text));
});
