// Cross-entropy: how surprised the model is by each next token.
import * as tf from "@tinygpt/tf";

/** Targets equal to this are not supervised (PyTorch's default). */
export const IGNORE_INDEX = -100;

/**
 * Mean of -log softmax(logits)[target] over the supervised positions. (B, T, V), (B, T) → scalar
 * Throws when every target is ignoreIndex, rather than return 0/0. Reads targets back to check them.
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, ignoreIndex = IGNORE_INDEX): tf.Scalar {
  const supervised = checkTargets(logits, targets, ignoreIndex);
  if (supervised === 0)
    throw new Error(`crossEntropy: every target is ignoreIndex (${ignoreIndex}), nothing to average`);
  return tf.tidy(() => tf.div(tf.sum(nll(logits, targets, ignoreIndex)), supervised));
}

/** The loss at each position; exactly 0 where the target is ignoreIndex. (B, T, V), (B, T) → (B, T) */
export function perPositionLoss(logits: tf.Tensor3D, targets: tf.Tensor2D, ignoreIndex = IGNORE_INDEX): tf.Tensor2D {
  checkTargets(logits, targets, ignoreIndex);
  return tf.tidy(() => nll(logits, targets, ignoreIndex));
}

/** -log p(target) at each position, 0 where ignored; no checks, no readback (callers that validated their targets). */
export function nll(logits: tf.Tensor3D, targets: tf.Tensor2D, ignoreIndex = IGNORE_INDEX): tf.Tensor2D {
  const logProbs = tf.logSoftmax(logits); // (B, T, V)
  const oneHot = tf.cast(tf.oneHot(targets, logits.shape[2]), "float32"); // (B, T, V); rows of 0 for ids outside [0, V)
  const picked = tf.sum(tf.mul(logProbs, oneHot), -1); // (B, T): log p(target)
  return tf.where(tf.notEqual(targets, ignoreIndex), tf.neg(picked), tf.zerosLike(picked)) as tf.Tensor2D; // (B, T)
}

/** Throws unless targets is int32 (B, T) with ids in [0, V) or ignoreIndex; returns how many are supervised. */
function checkTargets(logits: tf.Tensor, targets: tf.Tensor, ignoreIndex: number): number {
  const [B, T, V] = logits.shape;
  if (logits.rank !== 3 || targets.rank !== 2 || targets.shape[0] !== B || targets.shape[1] !== T) {
    throw new Error(`logits must be (B, T, V) and targets (B, T); got [${logits.shape}] and [${targets.shape}]`);
  }
  if (targets.dtype !== "int32") throw new Error(`targets must be int32, got ${targets.dtype}`);
  let supervised = 0;
  for (const id of targets.dataSync()) {
    if (id === ignoreIndex) continue;
    if (!(id >= 0 && id < V))
      throw new Error(`target ${id} is outside [0, V = ${V}) and is not ignoreIndex (${ignoreIndex})`);
    supervised++;
  }
  return supervised;
}
