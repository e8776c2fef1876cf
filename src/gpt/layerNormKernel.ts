// LayerNorm's forward and backward each as one kernel on the wasm backend (layers.ts writes both in TF.js ops).
import * as tf from "@tinygpt/tf";
import {runWasmKernel, size, views, type KernelArgs, type WasmBackend} from "./wasmMemory.js";

/**
 * Per row of x's last axis (C values): x̂ = (x − μ)·r with r = 1/√(σ² + ε) (biased variance), y = x̂·γ.
 * (..., C) → [y (..., C), x̂ (..., C), r (..., 1)]. One pass per row in float64, against 8 TF.js kernels.
 */
export function layerNormRows(x: tf.Tensor, gamma: tf.Tensor, eps: number): tf.Tensor[] {
  return runWasmKernel("TinyGPTLayerNorm", forward, {x, gamma}, {eps}) as tf.Tensor[];
}

/**
 * The gradients from ∂y and what the forward kept: ∂x̂ = ∂y·γ, ∂x = r·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)),
 * ∂γ = Σ ∂y·x̂ and ∂β = Σ ∂y over the rows. → [∂x (..., C), ∂γ (C), ∂β (C)]. One pass, against 12 TF.js kernels.
 */
export function layerNormRowsGrad(dy: tf.Tensor, xHat: tf.Tensor, r: tf.Tensor, gamma: tf.Tensor): tf.Tensor[] {
  return runWasmKernel("TinyGPTLayerNormGrad", backward, {dy, xHat, r, gamma}) as tf.Tensor[];
}

function forward({inputs, backend, attrs}: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackend;
  const {x, gamma} = inputs as Record<"x" | "gamma", tf.TensorInfo>;
  const {eps} = attrs as {eps: number};
  const C = x.shape[x.shape.length - 1];
  const rows = size(x.shape) / C;
  const outs = [
    be.makeOutput(x.shape, "float32"),
    be.makeOutput(x.shape, "float32"),
    be.makeOutput([...x.shape.slice(0, -1), 1], "float32")
  ];
  const [X, G, Y, XH, R] = views(be, [x, gamma, ...outs]);
  for (let i = 0; i < rows; i++) {
    const o = i * C;
    let sum = 0;
    for (let j = 0; j < C; j++) sum += X[o + j];
    const mean = sum / C;
    let squares = 0;
    for (let j = 0; j < C; j++) squares += (X[o + j] - mean) ** 2;
    const r = Math.fround(1 / Math.sqrt(squares / C + eps));
    R[i] = r;
    for (let j = 0; j < C; j++) {
      const xHat = Math.fround((X[o + j] - mean) * r);
      XH[o + j] = xHat;
      Y[o + j] = xHat * G[j];
    }
  }
  return outs;
}

function backward({inputs, backend}: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackend;
  const {dy, xHat, r, gamma} = inputs as Record<"dy" | "xHat" | "r" | "gamma", tf.TensorInfo>;
  const C = dy.shape[dy.shape.length - 1];
  const rows = size(dy.shape) / C;
  const outs = [be.makeOutput(dy.shape, "float32"), be.makeOutput([C], "float32"), be.makeOutput([C], "float32")];
  const [DY, XH, R, G, DX, DG, DB] = views(be, [dy, xHat, r, gamma, ...outs]);
  const dGamma = new Float64Array(C);
  const dBeta = new Float64Array(C);
  for (let i = 0; i < rows; i++) {
    const o = i * C;
    let mean = 0; // mean(∂x̂)
    let meanX = 0; // mean(∂x̂·x̂)
    for (let j = 0; j < C; j++) {
      const d = DY[o + j] * G[j];
      mean += d;
      meanX += d * XH[o + j];
      dGamma[j] += DY[o + j] * XH[o + j];
      dBeta[j] += DY[o + j];
    }
    mean /= C;
    meanX /= C;
    for (let j = 0; j < C; j++) DX[o + j] = R[i] * (DY[o + j] * G[j] - mean - XH[o + j] * meanX);
  }
  DG.set(dGamma);
  DB.set(dBeta);
  return outs;
}
