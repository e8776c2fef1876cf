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
   * Applies one update from grads (one per weight, in params order) and counts it. With scale (a scalar: the
   * clipping factor), every gradient is first multiplied by it. With ok (a boolean scalar), the weights and moments
   * change only where ok is true: a guard decides on the device, with no readback.
   * With keep, returns the change made to each weight (the caller disposes it); otherwise null.
   *
   * Written for few kernels (each is a dispatch and a pass over a weight; see bench/README.md): the per-step factors
   * are scalars computed once, the bias corrections are folded into them (PyTorch's own arrangement):
   *    p ← p·(1 − lr·λ) − (lr·√(1 − β2ᵗ)/(1 − β1ᵗ)) · m / (√v + ε·√(1 − β2ᵗ))   (= p − lr·(m̂ / (√v̂ + ε) + λ·p))
   * and the gate acts on the factors (β → 1, 1 − β → 0, lr → 0) plus one select that zeroes a non-finite gradient,
   * instead of a select on every weight, moment and update.
   */
  apply(
    grads: tf.Tensor[],
    lr: number,
    {ok, scale, keep = false}: {ok?: tf.Tensor; scale?: tf.Tensor; keep?: boolean} = {}
  ): tf.Tensor[] | null {
    if (grads.length !== this.params.length)
      throw new Error(`${grads.length} gradients for ${this.params.length} weights`);
    const {beta1, beta2, eps, weightDecay} = this.options;
    const {bc1, bc2} = this.biasCorrections();
    const changes: tf.Tensor[] = [];
    tf.tidy(() => {
      const gate = (on: number | tf.Tensor, off: number): tf.Tensor =>
        ok ? tf.where(ok, on, off) : typeof on === "number" ? tf.scalar(on) : on;
      const f = {
        b1: gate(beta1, 1), // β1, or 1 where ok is false: m stays
        c1: gate(scale ? tf.mul(scale, 1 - beta1) : 1 - beta1, 0), // (1 − β1)·scale, or 0
        b2: gate(beta2, 1),
        c2: gate(scale ? tf.mul(tf.square(scale), 1 - beta2) : 1 - beta2, 0), // (1 − β2)·scale², or 0
        step: gate((-lr * Math.sqrt(bc2)) / bc1, 0),
        decay: gate(1 - lr * weightDecay, 1),
        eps: tf.scalar(eps * Math.sqrt(bc2))
      };
      // Where ok is false the gradient may be NaN, which 0·g would keep: it is replaced by 0 (one select, whose
      // condition and zeros are made once per distinct shape).
      const fills = new Map<string, [tf.Tensor, tf.Tensor]>();
      const safe = (g: tf.Tensor): tf.Tensor => {
        if (!ok) return g;
        const key = g.shape.join(",");
        if (!fills.has(key)) fills.set(key, [tf.broadcastTo(ok, g.shape), tf.zerosLike(g)]);
        const [cond, zeros] = fills.get(key)!;
        return tf.where(cond, g, zeros);
      };
      this.params.forEach(({variable: p}, i) => {
        const g = safe(grads[i]);
        const m = tf.add(tf.mul(this.m[i], f.b1), tf.mul(g, f.c1)); // β1·m + (1 − β1)·g
        const v = tf.add(tf.mul(this.v[i], f.b2), tf.mul(tf.square(g), f.c2)); // β2·v + (1 − β2)·g²
        const direction = tf.div(m, tf.add(tf.sqrt(v), f.eps));
        const decayed = this.decay[i] && weightDecay > 0 ? tf.mul(p, f.decay) : p;
        const next = tf.add(decayed, tf.mul(direction, f.step));
        if (keep) changes.push(tf.keep(tf.sub(next, p)));
        this.m[i].assign(m);
        this.v[i].assign(v);
        p.assign(next);
      });
    });
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

/**
 * √(Σ‖g‖²) over all tensors: one concatenation, one square, one sum (a sum and a square per tensor plus their
 * additions would be three kernels per tensor). WebGPU's concat splits itself below the 8 storage buffers a shader
 * may bind; an addN over many tensors would not (the pipeline silently fails).
 */
export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    const flat =
      tensors.length === 1 ? tf.reshape(tensors[0], [-1]) : tf.concat(tensors.map((t) => tf.reshape(t, [-1])));
    return tf.sqrt(tf.sum(tf.square(flat))) as tf.Scalar;
  });
}

/**
 * The factor PyTorch's clip_grad_norm_ scales every gradient by: min(1, maxNorm / (norm + 1e-6)).
 * Gradients whose global norm exceeds maxNorm come out with norm maxNorm; smaller ones are left (almost) alone.
 */
export const clipScale = (norm: tf.Scalar, maxNorm: number): tf.Scalar =>
  tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) as tf.Scalar);
