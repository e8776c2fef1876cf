import * as tf from "@tinygpt/tf";

export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
export const BROWSER_ORDER: readonly BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];
export const NODE_ORDER: readonly BackendName[] = ["wasm", "cpu"];

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
  /** For WebGPU: the adapter's description, e.g. "swiftshader" for a software adapter. */
  adapter: string | null;
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

/** Chooses a TF.js backend, trying each in order; resolves once tf.ready() has. */
export async function initBackend(options: BackendOptions = {}): Promise<BackendStatus> {
  const base = options.order ?? (isBrowser() ? BROWSER_ORDER : NODE_ORDER);
  const requested = options.prefer ?? null;
  const order = requested ? [requested, ...base.filter((name) => name !== requested)] : [...base];
  if (options.wasmPaths) tf.setWasmPaths(options.wasmPaths);
  const attempts: BackendAttempt[] = [];
  let adapter: string | null = null;
  for (const name of order) {
    const reason = await unavailable(name);
    if (typeof reason === "string") {
      attempts.push({name, ok: false, reason});
      continue;
    }
    if (name === "webgpu") adapter = reason.adapter;
    try {
      if (!(await tf.setBackend(name))) throw new Error("initialisation failed");
      await tf.ready();
      await probe();
      attempts.push({name, ok: true});
      current = {active: name, requested, attempts, fellBack: attempts.length > 1, adapter};
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
  requestAdapter(): Promise<{info?: {vendor?: string; architecture?: string; description?: string}} | null>;
}

async function webgpuCheck(): Promise<string | {adapter: string | null}> {
  const gpu = (globalThis.navigator as {gpu?: GPULike} | undefined)?.gpu;
  if (!gpu) return "navigator.gpu is missing: this browser has WebGPU disabled or does not support it";
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return "the browser offers WebGPU but found no GPU adapter";
  const info = adapter.info ?? {};
  const words = [info.vendor, info.architecture, info.description].filter((w) => w);
  return {adapter: words.length ? words.join(" ") : null};
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
  current = {...next, requested, attempts: [...attempts.slice(0, -1), failed, ...next.attempts], fellBack: true};
  for (const listener of listeners) listener(current, lost, reason);
  return current;
}
