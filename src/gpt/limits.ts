// Limits checked before anything is allocated: the memory a training run would need, and the text a corpus or an
// upload may be. Pure functions (no tensors), shared by the pages and the CLI so both refuse with the same words.
import type {GPTConfig} from "./config.js";
import {countParams} from "./count.js";

/** The training memory a run may need before it is refused: 2 GB (a browser tab's comfortable share). */
export const MEMORY_BUDGET_BYTES = 2e9;

/** The largest text accepted as a corpus or an upload: 10 MB (tinyshakespeare is 1.1 MB). */
export const MAX_TEXT_BYTES = 10_000_000;

export interface MemoryEstimate {
  parameters: number;
  weights: number; // bytes: 4 per parameter (float32)
  gradients: number; // one float32 gradient per weight
  adam: number; // AdamW's m and v: 8 bytes per parameter
  activations: number; // what the forward pass keeps for the backward pass, for B sequences of blockSize tokens
  total: number;
}

/**
 * TF.js keeps every op's output for the backward pass and the backward pass makes about as many again, with
 * broadcasts and one-hot rows: the peak of a step measured with tf.profile on the wasm backend (LayerNorm, GELU and
 * softmax as TF.js ops there, as on webgl and webgpu) is about 6.9 times the textbook count below, and 9 leaves room
 * (test/gpt/limits.test.ts checks the estimate against that measurement). On cpu, where each of those is one kernel of
 * our own, the peak is lower still.
 */
const RUNTIME_FACTOR = 9;

/**
 * Bytes of float32 state for one training step of B sequences of blockSize tokens. The textbook count of
 * activations per token: for each block, LayerNorm inputs and outputs (4C), q, k, v (3C), the attention output, its
 * projection and the residual (3C), the MLP's output and residual (2C), its hidden layer before and after the
 * activation and the activation's own intermediate (3·dFF), and the scores, weights and dropped weights of every
 * head (3·nHead·T); then the embeddings (2C) and the logits, log-probabilities, their gradient and the one-hot rows
 * (4V); times RUNTIME_FACTOR.
 */
export function estimateMemory(config: GPTConfig, batchSize: number): MemoryEstimate {
  const {vocabSize: V, blockSize: T, nEmbd: C, dFF, nHead, nLayer} = config;
  const parameters = countParams(config).total;
  const perToken = nLayer * (12 * C + 3 * dFF + 3 * nHead * T) + 2 * C + 4 * V;
  const [weights, gradients, adam] = [4 * parameters, 4 * parameters, 8 * parameters];
  const activations = 4 * batchSize * T * perToken * RUNTIME_FACTOR;
  return {parameters, weights, gradients, adam, activations, total: weights + gradients + adam + activations};
}

const gb = (bytes: number) => `${(bytes / 1e9).toLocaleString("en-US", {maximumFractionDigits: 2})} GB`;
const mb = (bytes: number) => `${(bytes / 1e6).toLocaleString("en-US", {maximumFractionDigits: 1})} MB`;
const size = (bytes: number) =>
  bytes >= 1e9 ? gb(bytes) : bytes >= 1e5 ? mb(bytes) : `${bytes.toLocaleString("en-US")} bytes`;

/** Why training this config with batchSize would not fit in budget (naming the estimate), or null when it fits. */
export function memoryProblem(config: GPTConfig, batchSize: number, budget = MEMORY_BUDGET_BYTES): string | null {
  const m = estimateMemory(config, batchSize);
  if (m.total <= budget) return null;
  return (
    `training needs about ${size(m.total)} (weights, gradients and AdamW ${size(m.weights + m.gradients + m.adam)}` +
    ` for ${m.parameters.toLocaleString("en-US")} parameters, activations ${size(m.activations)} for batch ` +
    `${batchSize} × ${config.blockSize} tokens), over the ${size(budget)} budget: use a smaller model or batch`
  );
}

export class TextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TextError";
  }
}

/**
 * The text in bytes that should hold UTF-8 text (a corpus file, an upload), refused before decoding when it is
 * empty or over maxBytes, and after when it is not text: a NUL byte or bytes that are not valid UTF-8 (a binary file).
 * name is how the message calls it (a file name). Throws TextError.
 */
export function decodeText(bytes: Uint8Array, name: string, maxBytes = MAX_TEXT_BYTES): string {
  if (bytes.length === 0) throw new TextError(`${name} is empty: no characters to learn from`);
  if (bytes.length > maxBytes) {
    throw new TextError(`${name} is ${size(bytes.length)}, over the ${size(maxBytes)} limit for a text`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new TextError(`${name} is not text: it has a NUL byte at offset ${nul} (a binary file?)`);
  try {
    return new TextDecoder("utf-8", {fatal: true}).decode(bytes);
  } catch {
    throw new TextError(`${name} is not text: it is not valid UTF-8 (a binary file?)`);
  }
}
