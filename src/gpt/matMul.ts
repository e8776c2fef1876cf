// Matrix products, with faster kernels of our own on the cpu backend and on webgl (webglMatMul.ts).
import * as tf from "@tinygpt/tf";
import {onCpu, output, valuesOf} from "./cpuMemory.js";
import {runOwnKernel, type KernelArgs} from "./ownKernel.js";
import {webglMatMulKernel} from "./webglMatMul.js";

/**
 * a @ b over equal leading batch dims, either operand transposed by its flag: (..., M, K) x (..., K, N) -> (..., M, N).
 * On webgl it is webglMatMul.ts's program; elsewhere tf.matMul. The cpu backend's own BatchMatMul reads one operand
 * a whole row apart at every step and runs at about 1 GFLOP/s here; this kernel copies both operands into strips of
 * four rows (or columns) laid side by side, then computes each 4 × 4 block of the output in sixteen local sums
 * (4–4.5 GFLOP/s in Node and Chromium). A transposed operand costs nothing more: the copy reads it in the other order.
 */
export function matMul<T extends tf.Tensor>(a: T, b: T, transposeA = false, transposeB = false): T {
  const batched = a.rank >= 2 && a.rank === b.rank && a.shape.slice(0, -2).join() === b.shape.slice(0, -2).join();
  const attrs = {transposeA, transposeB};
  if (batched && onCpu(a, b)) return own(KERNEL, "cpu", kernelFunc, a, b, attrs);
  if (batched && tf.getBackend() === "webgl") return own(GL_KERNEL, "webgl", webglMatMulKernel, a, b, attrs);
  return tf.matMul(a, b, transposeA, transposeB) as T;
}

const KERNEL = "TinyGPTMatMulCPU";
const GL_KERNEL = "TinyGPTMatMulWebGL";

function own<T extends tf.Tensor>(
  name: string,
  backend: "cpu" | "webgl",
  func: (args: KernelArgs) => tf.TensorInfo,
  a: T,
  b: T,
  attrs: Attrs
): T {
  if (!tf.getGradient(name)) tf.registerGradient({kernelName: name, inputsToSave: ["a", "b"], gradFunc});
  return runOwnKernel(backend, name, func, {a, b}, {...attrs}) as T;
}

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** C = op(A)·op(B): dA and dB are products of dC with the other operand, as for tf.matMul. */
function gradFunc(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [a, b] = saved;
  const c = dy as tf.Tensor;
  const {transposeA, transposeB} = attrs as unknown as Attrs;
  if (!transposeA && !transposeB) return {a: () => matMul(c, b, false, true), b: () => matMul(a, c, true, false)};
  if (!transposeA) return {a: () => matMul(c, b, false, false), b: () => matMul(c, a, true, false)};
  if (!transposeB) return {a: () => matMul(b, c, false, true), b: () => matMul(a, c, false, false)};
  return {a: () => matMul(b, c, true, true), b: () => matMul(c, a, true, true)};
}

function kernelFunc({inputs, backend, attrs}: KernelArgs): tf.TensorInfo {
  const {a, b} = inputs as {a: tf.TensorInfo; b: tf.TensorInfo};
  const {transposeA, transposeB} = attrs as unknown as Attrs;
  const r = a.shape.length;
  const [M, K] = transposeA ? [a.shape[r - 1], a.shape[r - 2]] : [a.shape[r - 2], a.shape[r - 1]];
  const [K2, N] = transposeB ? [b.shape[r - 1], b.shape[r - 2]] : [b.shape[r - 2], b.shape[r - 1]];
  if (K !== K2)
    throw new Error(
      `matMul: inner sizes ${K} and ${K2} differ ([${a.shape}] by [${b.shape}], transposeA ${transposeA}, transposeB ${transposeB})`
    );
  const batch = a.shape.slice(0, -2).reduce((x, d) => x * d, 1);
  const [av, bv] = valuesOf(backend, [a, b]);
  const out = new Float32Array(batch * M * N);
  const ap = scratch(0, Math.ceil(M / 4) * 4 * K);
  const bp = scratch(1, Math.ceil(N / 4) * 4 * K);
  for (let n = 0; n < batch; n++) {
    // Element (i, k) of op(A) lies at i·K + k, or at k·M + i transposed; (k, j) of op(B) at k·N + j, or j·K + k.
    pack(av, n * M * K, M, K, transposeA ? 1 : K, transposeA ? M : 1, ap);
    pack(bv, n * K * N, N, K, transposeB ? K : 1, transposeB ? 1 : N, bp);
    blocks(ap, bp, out, n * M * N, M, K, N);
  }
  return output(backend, [...a.shape.slice(0, -2), M, N], out);
}

const scratches: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
const scratch = (i: number, length: number) =>
  scratches[i].length >= length ? scratches[i] : (scratches[i] = new Float32Array(length));

/**
 * Copies rows (rows of op(A), or columns of op(B)) into strips of four: the strip of rows s … s + 3 starts at s·K,
 * row s + r's k-th element at s·K + 4k + r; a last strip short of four is filled with zeros. Row i's k-th element is
 * src[at + i·rs + k·ks].
 */
function pack(src: Float32Array, at: number, rows: number, K: number, rs: number, ks: number, dst: Float32Array) {
  for (let s = 0; s < rows; s += 4) {
    for (let r = 0; r < 4; r++) {
      const o = s * K + r;
      if (s + r >= rows) {
        for (let k = 0; k < K; k++) dst[o + 4 * k] = 0;
        continue;
      }
      const from = at + (s + r) * rs;
      for (let k = 0; k < K; k++) dst[o + 4 * k] = src[from + k * ks];
    }
  }
}

const edge = new Float64Array(16);

/** out[at + i·N + j] = Σ_k A(i, k)·B(k, j) from the strips, one 4 × 4 block of the output at a time. */
// prettier-ignore
function blocks(ap: Float32Array, bp: Float32Array, out: Float32Array, at: number, M: number, K: number, N: number) {
  for (let j = 0; j < N; j += 4) {
    for (let i = 0; i < M; i += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, x = i * K, y = j * K; k < K; k++, x += 4, y += 4) {
        const a0 = ap[x], a1 = ap[x + 1], a2 = ap[x + 2], a3 = ap[x + 3];
        const b0 = bp[y], b1 = bp[y + 1], b2 = bp[y + 2], b3 = bp[y + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let o = at + i * N + j;
      if (i + 4 <= M && j + 4 <= N) {
        out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03; o += N;
        out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13; o += N;
        out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23; o += N;
        out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
        continue;
      }
      edge.set([c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]);
      for (let r = 0; r < 4 && i + r < M; r++)
        for (let s = 0; s < 4 && j + s < N; s++) out[o + r * N + s] = edge[4 * r + s];
    }
  }
}
