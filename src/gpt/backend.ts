import * as tf from "@tinygpt/tf";
import {shareIdentity} from "./identity.js";
import {loadSimdKernels} from "./simd.js";

export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
export const BROWSER_ORDER: readonly BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
/**
 * The browser's order when its WebGPU adapter is software (a CPU rasteriser such as SwiftShader): there WebGPU is the
 * slowest backend (bench/README.md: a baby training step 14 s against 0.46 s on wasm; a forward pass 80 ms against 6),
 * and plain JavaScript beats it too, so it comes last. The reader can still choose it.
 */
export const SOFTWARE_GPU_ORDER: readonly BackendName[] = ["wasm", "webgl", "cpu", "webgpu"];
export const NODE_ORDER: readonly BackendName[] = ["wasm", "cpu"];
/** Emscripten's pool of workers for the wasm backend holds at most this many threads. */
export const MAX_WASM_THREADS = 8;

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why this backend could not be used (absent when ok). */
  reason?: string;
}

export interface BackendStatus {
  /** The backend every tensor now lives on. */
  active: BackendName;
  /** The backend the reader asked for (URL or control), if any. */
  requested: BackendName | null;
  /** Every backend tried, in order, up to and including the active one. */
  attempts: BackendAttempt[];
  /** True when the first choice (the requested one, else the first of the order) could not be used. */
  fellBack: boolean;
  /** For WebGPU: the adapter's description, e.g. "google swiftshader" for a software adapter. */
  adapter: string | null;
  /** A backend the default order puts after the others here, and why (a software WebGPU adapter); else null. */
  demoted: {name: BackendName; reason: string} | null;
  /** The wasm backend's threads (when it is active), else null. */
  threads: number | null;
  /** Whether the wasm backend (when it is active) runs the course's SIMD kernels (simd.ts), else null. */
  simd: boolean | null;
}

/** What a WebGPU adapter says of itself (GPUAdapterInfo), as far as the choice of a backend reads it. */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface BackendOptions {
  /** Try this backend first; the rest of the default order follows as fallback. */
  prefer?: BackendName | null;
  /** URLs of the wasm backend's .wasm files, keyed by file name (browser only). */
  wasmPaths?: Record<string, string>;
  /** Override the default order (browser: webgpu → webgl → wasm → cpu; Node: wasm → cpu). */
  order?: readonly BackendName[];
}

let current: BackendStatus | null = null;
let currentOrder: readonly BackendName[] = [];

/** Told when the active backend stopped working and which one replaced it (see backendLost). */
export type LossListener = (status: BackendStatus, lost: BackendName, reason: string) => void;
const listeners = new Set<LossListener>();

export const isBrowser = (): boolean => typeof window !== "undefined" && typeof document !== "undefined";

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === "string" && (BACKENDS as readonly string[]).includes(name);
}

/** The status of the last initBackend call, or null before the first. */
export function backendStatus(): BackendStatus | null {
  return current;
}

/** Why this WebGPU adapter is software rather than a GPU, or null when nothing says it is. */
export function softwareAdapter(info: AdapterInfo | null): string | null {
  if (!info) return null;
  const words = describeAdapter(info);
  if (info.isFallbackAdapter) return `its WebGPU adapter${words ? ` (${words})` : ""} is a software fallback`;
  if (words && /swiftshader|llvmpipe|lavapipe|software|basic render/i.test(words))
    return `its WebGPU adapter (${words}) is software`;
  return null;
}

/**
 * The browser's default order, from what the WebGPU adapter says of itself (null: no adapter): webgpu first on a GPU,
 * SOFTWARE_GPU_ORDER on a software adapter, with why.
 */
export function browserOrder(info: AdapterInfo | null): {
  order: readonly BackendName[];
  demoted: BackendStatus["demoted"];
} {
  const software = softwareAdapter(info);
  if (!software) return {order: BROWSER_ORDER, demoted: null};
  return {
    order: SOFTWARE_GPU_ORDER,
    demoted: {name: "webgpu", reason: `${software}: WebGPU would run on the CPU, slower than WebAssembly`}
  };
}

/** The threads the wasm backend asks for: every logical core where threads may run (Node; an isolated page). */
export function wasmThreadCount(): number {
  const isolated = !isBrowser() || (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated === true;
  return isolated ? Math.max(1, Math.min(MAX_WASM_THREADS, tf.logicalCores())) : 1;
}

/** Chooses a TF.js backend, trying each in order; resolves once tf.ready() has. */
export async function initBackend(options: BackendOptions = {}): Promise<BackendStatus> {
  const requested = options.prefer ?? null;
  let base = options.order ?? (isBrowser() ? BROWSER_ORDER : NODE_ORDER);
  let demoted: BackendStatus["demoted"] = null;
  let adapter: string | null = null;
  let webgpu: string | {adapter: string | null} | null = null; // what checking the adapter found
  if (!options.order && isBrowser()) {
    const found = await webgpuAdapter();
    webgpu = typeof found === "string" ? found : {adapter: found.info ? describeAdapter(found.info) || null : null};
    if (typeof found !== "string") ({order: base, demoted} = browserOrder(found.info));
  }
  const order = requested ? [requested, ...base.filter((name) => name !== requested)] : [...base];
  if (options.wasmPaths) tf.setWasmPaths(options.wasmPaths);
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const reason = name === "webgpu" && webgpu ? webgpu : await unavailable(name);
    if (typeof reason === "string") {
      attempts.push({name, ok: false, reason});
      continue;
    }
    if (name === "webgpu") adapter = reason.adapter;
    if (name === "wasm") tf.setThreadsCount(wasmThreadCount()); // read when the backend first starts
    try {
      if (!(await tf.setBackend(name))) throw new Error("initialisation failed");
      await tf.ready();
      if (name === "wasm") shareIdentity();
      await probe();
      attempts.push({name, ok: true});
      const threads = name === "wasm" ? tf.getThreadsCount() : null;
      const simd = name === "wasm" ? (await loadSimdKernels()) !== null : null;
      const fellBack = attempts.length > 1;
      current = {active: name, requested, attempts, fellBack, adapter, demoted, threads, simd};
      currentOrder = order;
      if (name === "webgpu")
        watchDeviceLost((tf.backend() as {device?: {lost?: Promise<{message?: string}>}}).device?.lost);
      return current;
    } catch (error) {
      attempts.push({name, ok: false, reason: error instanceof Error ? error.message : String(error)});
    }
  }
  throw new Error(`no TF.js backend could be started: ${attempts.map((a) => `${a.name}: ${a.reason}`).join("; ")}`);
}

/** A seeded random op and a reduction, read back: proves the backend computes (and that seedrandom works). */
async function probe(): Promise<void> {
  const total = tf.tidy(() => tf.sum(tf.randomUniform([64], 0, 1, "float32", 7)));
  const [value] = await total.data();
  total.dispose();
  if (!(value > 0 && value < 64)) throw new Error(`a test computation returned ${value}`);
}

/** Why a backend cannot run here (a message), or what was learned checking that it can. */
async function unavailable(name: BackendName): Promise<string | {adapter: string | null}> {
  if (!tf.findBackendFactory(name)) return "not registered in this build";
  if (name === "webgpu") return webgpuCheck();
  if (name === "webgl") {
    if (!isBrowser()) return "WebGL needs a browser";
    const gl = document.createElement("canvas").getContext("webgl2");
    return gl ? {adapter: null} : "this browser offers no WebGL2 context";
  }
  return {adapter: null};
}

interface GPULike {
  requestAdapter(): Promise<{info?: AdapterInfo; isFallbackAdapter?: boolean} | null>;
}

const describeAdapter = (info: AdapterInfo): string =>
  [info.vendor, info.architecture, info.description].filter((w) => w).join(" ");

/** The WebGPU adapter's own description (isFallbackAdapter from the adapter where its info lacks it), or why none. */
async function webgpuAdapter(): Promise<string | {info: AdapterInfo | null}> {
  const gpu = (globalThis.navigator as {gpu?: GPULike} | undefined)?.gpu;
  if (!gpu) return "navigator.gpu is missing: this browser has WebGPU disabled or does not support it";
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return "the browser offers WebGPU but found no GPU adapter";
  const info = adapter.info;
  const fallback = info?.isFallbackAdapter ?? adapter.isFallbackAdapter;
  return {info: info || fallback ? {...pick(info), isFallbackAdapter: fallback === true} : null};
}

const pick = (info: AdapterInfo | undefined): AdapterInfo => ({
  vendor: info?.vendor,
  architecture: info?.architecture,
  description: info?.description
});

async function webgpuCheck(): Promise<string | {adapter: string | null}> {
  const found = await webgpuAdapter();
  if (typeof found === "string") return found;
  return {adapter: found.info ? describeAdapter(found.info) || null : null};
}

/** Calls listener after every backendLost (a page shows a notice); returns a function that unsubscribes it. */
export function onBackendLost(listener: LossListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * When lost resolves (WebGPU's GPUDevice.lost: the GPU was reset, the driver crashed, the device was destroyed) while
 * the backend that was active when watching began is still active, falls back with backendLost. The seam tests use.
 */
export function watchDeviceLost(lost: Promise<{message?: string}> | undefined): void {
  const watched = current?.active;
  void lost?.then(async (info) => {
    if (current?.active !== watched) return;
    await backendLost(info?.message || "the GPU device was lost").catch(() => undefined);
  });
}

/**
 * The active backend stopped working: it is removed, the next backend of the order initBackend used is started,
 * its attempt is recorded as "device lost: reason", and every onBackendLost listener is told. Tensors that lived on
 * the lost backend are gone: callers rebuild them (from a checkpoint, or values read back before).
 */
export async function backendLost(reason: string): Promise<BackendStatus> {
  if (!current) throw new Error("backendLost called before initBackend");
  const {active: lost, attempts, requested} = current;
  try {
    tf.removeBackend(lost);
  } catch {
    // a lost device may fail to release its buffers: it is gone either way
  }
  const rest = currentOrder.slice(currentOrder.indexOf(lost) + 1);
  const failed: BackendAttempt = {name: lost, ok: false, reason: `device lost: ${reason}`};
  const next = await initBackend({order: rest});
  const all = [...attempts.slice(0, -1), failed, ...next.attempts];
  current = {...next, requested, attempts: all, fellBack: true, demoted: current.demoted};
  for (const listener of listeners) listener(current, lost, reason);
  return current;
}
