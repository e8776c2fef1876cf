// Batched matrix products (attention's q·kᵀ and att·v) on the wasm backend: the SIMD kernels' product, or XNNPACK's
// fast path.
import * as tf from "@tinygpt/tf";
import {matMul} from "./matMul.js";
import {onCallingThread} from "./threads.js";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";
import {simdKernels} from "./simd.js";
import {offsets, size, type WasmBackend as Backend} from "./wasmMemory.js";

/**
 * a @ b, or a @ bᵀ with transposeB, over leading batch dims: (..., M, K) x (..., K, N) -> (..., M, N).
 * Elsewhere it is matMul.ts's matMul. On wasm, tf.matMul of a batch (or of a transposed operand) runs a plain loop
 * at about 1 GFLOP/s. With the SIMD kernels (simd.ts) one kernel multiplies every batch element, with no Transpose
 * kernel for a transposed operand, at 30–38 GFLOP/s on attention's 64 × 64 × 32 products. Without them each product
 * is one call of XNNPACK's fully connected operator (which the backend uses only for one untransposed 2-D product) on
 * the operands' own memory, all in one kernel, at 7–8 GFLOP/s there (each call builds an operator); a transposed
 * operand is transposed first (one Transpose kernel). Both run on the calling thread (threads.ts): each product is too
 * small to share with the pool, and a hand-off per product cost more than it saved.
 */
export function batchMatMul<T extends tf.Tensor>(a: T, b: T, transposeB = false): T {
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.rank - (transposeB ? 2 : 1)];
  if (tf.getBackend() !== "wasm" || M * K * N < FAST_MIN) return matMul(a, b, false, transposeB);
  return (transposeB ? fastABt(a, b) : fastAB(a, b)) as T;
}

/**
 * The smallest product (M·K·N multiply-adds per batch element) worth one XNNPACK call each: below it (a KV cache's
 * one-row queries, the addition model's 11 × 11 attention) the calls and the transposes cost more than the plain loop.
 */
export const FAST_MIN = 32 * 32 * 32;

const lastTwo = (t: tf.Tensor): tf.Tensor => {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm); // (..., K, M) from (..., M, K)
};

// C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC.
const fastAB = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: product(a as tf.Tensor, b as tf.Tensor), // (..., M, K) x (..., K, N) -> (..., M, N)
    gradFunc: (dy, [a, b]) => [product(dy, b, false, true), product(a, dy, true)]
  };
});

// C = A·Bᵀ: dA = dC·B, dB = dCᵀ·A.
const fastABt = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: product(a as tf.Tensor, b as tf.Tensor, false, true), // (..., M, K) x (..., N, K)ᵀ -> (..., M, N)
    gradFunc: (dy, [a, b]) => [product(dy, b), product(dy, a, true)]
  };
});

const KERNEL = "TinyGPTBatchMatMul";

/**
 * op(a) @ op(b) with op(x) = xᵀ (its last two axes) where asked, batch dims equal, through KERNEL: the SIMD kernel
 * reads aᵀ in place and copies bᵀ a panel at a time onto its stack; XNNPACK's path transposes either first. (..., M, N)
 */
function product(a: tf.Tensor, b: tf.Tensor, transA = false, transB = false): tf.Tensor {
  if (!simdKernels() && (transA || transB)) return product(transA ? lastTwo(a) : a, transB ? lastTwo(b) : b);
  const [M, K] = transA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
  const [K2, N] = transB ? b.shape.slice(-2).reverse() : b.shape.slice(-2);
  const batch = a.shape.slice(0, -2);
  if (K !== K2 || batch.join() !== b.shape.slice(0, -2).join())
    throw new Error(`batchMatMul: cannot multiply [${a.shape}] by [${b.shape}]`);
  const a3 = tf.reshape(a, [size(batch), ...a.shape.slice(-2)]); // (batch, M, K) or (batch, K, M)
  const b3 = tf.reshape(b, [size(batch), ...b.shape.slice(-2)]); // (batch, K, N) or (batch, N, K)
  const out = runOwnKernel("wasm", KERNEL, kernelFunc, {a: a3, b: b3}, {transA, transB}) as tf.Tensor; // (batch, M, N)
  return tf.reshape(out, [...batch, M, N]); // (..., M, N)
}

/** What else of the wasm backend KERNEL reaches into (tfjs-backend-wasm 4.22: BackendWasm, its module's exports). */
interface WasmBackend extends Backend {
  wasm: Backend["wasm"] & {
    cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
    tfjs: {registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void};
  };
  dataIdNextNumber: number;
}

const matMuls = new WeakMap<object, (...args: unknown[]) => void>();
const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

/**
 * With the SIMD kernels, one call multiplies every batch element (a or b transposed as attrs say). Without them, for
 * each batch element n three tensors are registered over the memory of a's, b's and the output's n-th matrix, the
 * backend's BatchMatMul function multiplies them (1 × M × K by 1 × K × N: XNNPACK), and they are released (with the
 * operator XNNPACK made for that b), all on the calling thread.
 */
function kernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackend;
  const {a, b} = inputs as {a: tf.TensorInfo; b: tf.TensorInfo};
  const {transA, transB} = attrs as {transA: boolean; transB: boolean};
  const [batch, M, K] = transA ? [a.shape[0], a.shape[2], a.shape[1]] : a.shape;
  const N = b.shape[transB ? 1 : 2];
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("batchMatMul: float32 only");
  let matMul = matMuls.get(be.wasm);
  if (!matMul) {
    const args = ["number", "array", "number", "number", "array", "number", "number", "number", "number"];
    matMul = be.wasm.cwrap("BatchMatMul", null, args);
    matMuls.set(be.wasm, matMul);
  }
  const out = be.makeOutput([batch, M, N], "float32");
  const [aAt, bAt, outAt] = offsets(be, [a, b, out]);
  const simd = simdKernels();
  if (simd) {
    simd.batchMatMul(aAt, bAt, outAt, batch, M, K, N, Number(transA), Number(transB));
    return out;
  }
  if (transA || transB) throw new Error("batchMatMul: XNNPACK's path takes no transposed operand");
  const [aShape, bShape] = [shapeBytes([1, M, K]), shapeBytes([1, K, N])];
  const {registerTensor, disposeData} = be.wasm.tfjs;
  onCallingThread(() => {
    for (let n = 0; n < batch; n++) {
      const ids = [be.dataIdNextNumber++, be.dataIdNextNumber++, be.dataIdNextNumber++];
      registerTensor(ids[0], M * K, aAt + 4 * n * M * K);
      registerTensor(ids[1], K * N, bAt + 4 * n * K * N);
      registerTensor(ids[2], M * N, outAt + 4 * n * M * N);
      matMul(ids[0], aShape, 3, ids[1], bShape, 3, false, false, ids[2]);
      for (const id of ids) disposeData(id);
    }
  });
  return out;
}
