// The course's SIMD kernels (simd/kernels.c) on the wasm backend: one small WebAssembly module per backend, working
// on the backend's own memory (it imports the backend's Memory), so that a kernel reads and writes tensors in place.
import * as tf from "@tinygpt/tf";
import {PLAIN, SHARED} from "./simd/kernels.wasm.js";

/**
 * The exported kernels (kernels.c says what each computes): each argument that names a tensor is its byte offset in
 * the backend's memory.
 */
export interface SimdKernels {
  /** (a, b, c, batch, M, K, N, transA, transB): c = op(a)·op(b) per batch element, transA and transB 0 or 1. */
  batchMatMul(...args: number[]): void;
  gelu(x: number, y: number, e: number, n: number): void;
  geluGrad(dy: number, x: number, e: number, dx: number, n: number): void;
  columnSums(x: number, out: number, R: number, C: number): void;
  transpose2d(src: number, dst: number, R: number, C: number): void;
  layerNorm(x: number, gamma: number, y: number, xHat: number, r: number, rows: number, C: number, eps: number): void;
  /** (dy, xHat, r, gamma, dx, dGamma, dBeta, rows, C) */
  layerNormGrad(...args: number[]): void;
  /** (p, m, v, g, p', m', v', n, b1, c1, b2, c2, step, keep, eps) */
  adamw(...args: number[]): void;
  sumSquares(x: number, n: number): number;
}

/** What of tfjs-backend-wasm 4.22's module this reaches: its Memory (threaded build: wasmMemory; else asm.memory). */
interface WasmModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: {memory?: WebAssembly.Memory};
  _malloc(bytes: number): number;
}

/** Bytes of the backend's memory set aside for the kernels' stack: a·bᵀ copies panels of bᵀ there (16 KiB at most). */
const STACK = 64 * 1024;

const modules = new WeakMap<object, SimdKernels | null>();
let enabled = true;

/**
 * Turns the SIMD kernels off (false) or on again: off, the wasm backend runs the TF.js ops that webgl and webgpu run
 * (the tests hold the two equal; the bench compares them).
 */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}

const bytes = (base64: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};

/**
 * The module's bytes for the backend's memory (shared: the threaded build's), or null where the backend has no
 * memory we know or this engine cannot run them (no wasm SIMD: the module does not validate).
 */
function source(wasm: WasmModule): {code: Uint8Array<ArrayBuffer>; memory: WebAssembly.Memory} | null {
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  if (!memory) return null;
  const code = bytes(memory.buffer instanceof ArrayBuffer ? PLAIN : SHARED);
  return WebAssembly.validate(code) ? {code, memory} : null;
}

/**
 * The kernels linked to the backend's memory, with a stack of their own in it; null where they cannot link (a memory
 * unlike the one the module expects).
 */
function link(wasm: WasmModule, module: WebAssembly.Module, memory: WebAssembly.Memory): SimdKernels | null {
  try {
    const instance = new WebAssembly.Instance(module, {env: {memory}});
    const exports = instance.exports as unknown as SimdKernels & {__stack_pointer: WebAssembly.Global};
    exports.__stack_pointer.value = wasm._malloc(STACK) + STACK; // the stack grows down, inside the backend's heap
    return exports;
  } catch {
    return null;
  }
}

const backendModule = (): WasmModule | null =>
  tf.getBackend() === "wasm" ? ((tf.backend() as unknown as {wasm?: WasmModule}).wasm ?? null) : null;

/**
 * The SIMD kernels on the current wasm backend, or null (another backend; turned off; no wasm SIMD; not yet loaded in
 * a browser, where loadSimdKernels compiles them). Outside a browser a first call compiles them at once.
 */
export function simdKernels(): SimdKernels | null {
  const wasm = backendModule();
  if (!wasm || !enabled) return null;
  const known = modules.get(wasm);
  if (known !== undefined || typeof document !== "undefined") return known ?? null;
  const found = source(wasm);
  modules.set(wasm, found ? link(wasm, new WebAssembly.Module(found.code), found.memory) : null);
  return modules.get(wasm) ?? null;
}

/** The SIMD kernels, inside a kernel that runs only where they are (onSimd decided so): a clear error otherwise. */
export function requireSimd(): SimdKernels {
  const kernels = simdKernels();
  if (!kernels) throw new Error("the wasm backend's SIMD kernels are not loaded here (simd.ts)");
  return kernels;
}

/** Whether t is on the wasm backend with its SIMD kernels, and its last axis a multiple of 4 (their lanes). */
export const onSimd = (t: tf.Tensor): boolean =>
  t.dtype === "float32" && (t.shape.at(-1) ?? 1) % 4 === 0 && simdKernels() !== null;

/** Compiles the SIMD kernels for the current wasm backend (a browser's main thread may not compile them at once). */
export async function loadSimdKernels(): Promise<SimdKernels | null> {
  const wasm = backendModule();
  if (!wasm || !enabled) return null;
  if (!modules.has(wasm)) {
    const found = source(wasm);
    const module = found ? await WebAssembly.compile(found.code).catch(() => null) : null;
    modules.set(wasm, found && module ? link(wasm, module, found.memory) : null);
  }
  return modules.get(wasm) ?? null;
}
