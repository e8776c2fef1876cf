// AdamW written out (Loshchilov & Hutter; PyTorch's torch.optim.AdamW), and gradient clipping by global norm.
import * as tf from "@tinygpt/tf";
import {namedParams, type NamedParam, type Params} from "./params.js";

export interface AdamWOptions {
  beta1: number; // decay of the first moment m (default 0.9)
  beta2: number; // decay of the second moment v (default 0.999; nanoGPT's small char models use 0.99)
  eps: number; // added to √v̂ (default 1e-8)
  weightDecay: number; // decoupled decay λ (default 0.01, PyTorch's)
  decayEmbeddings: boolean; // whether wte and wpe decay too (default true, as nanoGPT; minGPT leaves them out)
}

export const ADAMW_DEFAULTS: Readonly<AdamWOptions> = Object.freeze({
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  decayEmbeddings: true
});

const EMBEDDINGS = ["transformer.wte.weight", "transformer.wpe.weight"];

/** Weight decay applies to 2-D weights only: not biases or LayerNorm gains, and embeddings only when asked. */
export const decays = (name: string, rank: number, decayEmbeddings: boolean): boolean =>
  rank >= 2 && (decayEmbeddings || !EMBEDDINGS.includes(name));

/** What one AdamW update applies to a weight p with gradient g, at step t (1-based), with learning rate lr:
 *    m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *    m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
 *    p ← p − lr·(m̂ / (√v̂ + ε) + λ·p)   (λ = 0 for weights that do not decay)
 */
export class AdamW {
  readonly options: AdamWOptions;
  readonly params: NamedParam[]; // the model's weights, in state_dict order
  readonly decay: boolean[]; // per weight: whether weight decay applies
  readonly m: tf.Variable[]; // first moments, per weight (zeros at first)
  readonly v: tf.Variable[]; // second moments
  step = 0; // updates applied so far: the next is update step + 1

  constructor(model: Params, options: Partial<AdamWOptions> = {}) {
    this.options = {...ADAMW_DEFAULTS, ...options};
    const {beta1, beta2, eps, weightDecay} = this.options;
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new Error("beta1 and beta2 must be in [0, 1)");
    if (!(eps > 0 && weightDecay >= 0)) throw new Error("eps must be positive and weightDecay non-negative");
    this.params = namedParams(model);
    this.decay = this.params.map(({name, variable}) => decays(name, variable.rank, this.options.decayEmbeddings));
    const zeros = () => this.params.map(({variable}) => tf.variable(tf.zerosLike(variable), false));
    [this.m, this.v] = tf.tidy(() => [zeros(), zeros()]);
  }

  /** 1 − β1ᵗ and 1 − β2ᵗ for the update about to be applied (t = step + 1). */
  biasCorrections(): {bc1: number; bc2: number} {
    const t = this.step + 1;
    return {bc1: 1 - Math.pow(this.options.beta1, t), bc2: 1 - Math.pow(this.options.beta2, t)};
  }

  /**
   * Applies one update from grads (one per weight, in params order) and counts it. With ok (a boolean scalar),
   * the weights and moments change only where ok is true: a guard decides on the device, with no readback.
   * With keep, returns the change made to each weight (the caller disposes it); otherwise null.
   */
  apply(grads: tf.Tensor[], lr: number, {ok, keep = false}: {ok?: tf.Tensor; keep?: boolean} = {}): tf.Tensor[] | null {
    if (grads.length !== this.params.length)
      throw new Error(`${grads.length} gradients for ${this.params.length} weights`);
    const {beta1, beta2, eps, weightDecay} = this.options;
    const {bc1, bc2} = this.biasCorrections();
    const gate = <T extends tf.Tensor>(next: T, previous: T): T => (ok ? (tf.where(ok, next, previous) as T) : next);
    const changes: tf.Tensor[] = [];
    tf.tidy(() =>
      this.params.forEach(({variable: p}, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1)); // β1·m + (1 − β1)·g
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2)); // β2·v + (1 − β2)·g²
        const adam = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps)); // m̂ / (√v̂ + ε)
        const lambda = this.decay[i] ? weightDecay : 0;
        const change = lambda > 0 ? tf.mul(tf.add(adam, tf.mul(p, lambda)), -lr) : tf.mul(adam, -lr); // Δp
        const next = tf.add(p, change);
        this.m[i].assign(gate(m, this.m[i]));
        this.v[i].assign(gate(v, this.v[i]));
        p.assign(gate(next, p));
        if (keep) changes.push(tf.keep(gate(change, tf.zerosLike(change))));
      })
    );
    this.step++;
    return keep ? changes : null;
  }

  /** Sets the step and the moments (from a checkpoint): one Float32Array per weight for m and for v. */
  load(step: number, m: Float32Array[], v: Float32Array[]): void {
    if (!(Number.isSafeInteger(step) && step >= 0)) throw new Error(`step (${step}) must be a non-negative integer`);
    this.params.forEach(({variable}, i) => {
      tf.tidy(() => {
        this.m[i].assign(tf.tensor(m[i], variable.shape));
        this.v[i].assign(tf.tensor(v[i], variable.shape));
      });
    });
    this.step = step;
  }

  /** Frees the moments (not the model's weights). */
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** √(Σ‖g‖²) over all tensors. The sums are added pairwise: WebGPU breaks on an addN over many tensors. */
export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    let sums: tf.Tensor[] = tensors.map((t) => tf.sum(tf.square(t)));
    while (sums.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < sums.length; i += 2) next.push(i + 1 < sums.length ? tf.add(sums[i], sums[i + 1]) : sums[i]);
      sums = next;
    }
    return tf.sqrt(sums.length ? sums[0] : tf.scalar(0)) as tf.Scalar;
  });
}

/**
 * The factor PyTorch's clip_grad_norm_ scales every gradient by: min(1, maxNorm / (norm + 1e-6)).
 * Gradients whose global norm exceeds maxNorm come out with norm maxNorm; smaller ones are left (almost) alone.
 */
export const clipScale = (norm: tf.Scalar, maxNorm: number): tf.Scalar =>
  tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) as tf.Scalar);
