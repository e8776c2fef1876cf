// AdamW written out (Loshchilov & Hutter; PyTorch's torch.optim.AdamW), and gradient clipping by global norm.
import * as tf from "@tinygpt/tf";
import {namedParams, type NamedParam, type Params} from "./params.js";
import {FACTORS, fusedHere, norm, updateWeight} from "./adamwKernel.js";
import {onSimd} from "./simd.js";

/** The settings of one update: they may change from one update to the next (a schedule, a reader's slider). */
export interface AdamWSettings {
  lr: number; // learning rate η of this update
  beta1: number; // decay of the first moment m
  beta2: number; // decay of the second moment v
  eps: number; // added to √v̂
  weightDecay: number; // decoupled decay λ, on the weights that decay
}

/** Which weights the optimizer moves, and which of those decay: PyTorch's parameter groups. */
export interface ParamGroups {
  decayEmbeddings?: boolean; // whether wte and wpe decay too (default true, as nanoGPT; minGPT leaves them out)
  frozen?: readonly string[]; // state_dict names that do not train: no gradient, no moments, no decay
}

/** The optimizer's state on the CPU: the step count and one array per trained weight for m and for v. */
export interface AdamWState {
  step: number; // updates applied so far
  m: Float32Array[]; // in the order of AdamW.params, each in its weight's layout
  v: Float32Array[];
}

const EMBEDDINGS = ["transformer.wte.weight", "transformer.wpe.weight"];

/** Weight decay applies to 2-D weights only: not biases or LayerNorm gains, and embeddings only when asked. */
export const decays = (name: string, rank: number, decayEmbeddings: boolean): boolean =>
  rank >= 2 && (decayEmbeddings || !EMBEDDINGS.includes(name));

/** Throws, naming the field, unless every setting is in its range. */
export function checkSettings(s: AdamWSettings): void {
  const bad = (field: string, value: number, range: string) => {
    throw new RangeError(`${field} (${value}) must be ${range}`);
  };
  if (!(s.lr >= 0 && Number.isFinite(s.lr))) bad("lr", s.lr, "a finite number ≥ 0");
  if (!(s.beta1 >= 0 && s.beta1 < 1)) bad("beta1", s.beta1, "in [0, 1)");
  if (!(s.beta2 >= 0 && s.beta2 < 1)) bad("beta2", s.beta2, "in [0, 1)");
  if (!(s.eps > 0 && Number.isFinite(s.eps))) bad("eps", s.eps, "a positive number");
  if (!(s.weightDecay >= 0 && Number.isFinite(s.weightDecay))) bad("weightDecay", s.weightDecay, "a number ≥ 0");
}

/**
 * What one AdamW update applies to a weight p with gradient g, at step t (1-based), with learning rate lr:
 *    m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *    m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
 *    p ← p − lr·(m̂ / (√v̂ + ε) + λ·p)   (λ = 0 for weights that do not decay)
 * The settings come with each update; the state (m, v, the step count) is read through m, v and step, and changed
 * only by apply(), restore() and rewind().
 */
export class AdamW {
  readonly params: readonly NamedParam[]; // the weights it trains, in state_dict order (frozen ones left out)
  readonly decay: readonly boolean[]; // per trained weight: whether weight decay applies
  readonly decayEmbeddings: boolean;
  private readonly moments: {m: tf.Variable[]; v: tf.Variable[]};
  private t = 0;

  /** weights: a model's (every weight but the frozen ones) or a list of named weights (adapters, say). */
  constructor(weights: Params | readonly NamedParam[], {decayEmbeddings = true, frozen = []}: ParamGroups = {}) {
    const all = Array.isArray(weights) ? (weights as readonly NamedParam[]) : namedParams(weights as Params);
    const unknown = frozen.find((name) => !all.some((p) => p.name === name));
    if (unknown !== undefined) throw new Error(`frozen: no weight is named ${unknown}`);
    this.params = all.filter(({name}) => !frozen.includes(name));
    this.decayEmbeddings = decayEmbeddings;
    this.decay = this.params.map(({name, variable}) => decays(name, variable.rank, decayEmbeddings));
    const zeros = () => this.params.map(({variable}) => tf.variable(tf.zerosLike(variable), false));
    this.moments = tf.tidy(() => ({m: zeros(), v: zeros()}));
  }

  /** Updates applied so far: the next is update step + 1. */
  get step(): number {
    return this.t;
  }

  /** First moments, per trained weight (zeros at first). Read them; restore() changes them. */
  get m(): readonly tf.Tensor[] {
    return this.moments.m;
  }

  /** Second moments. */
  get v(): readonly tf.Tensor[] {
    return this.moments.v;
  }

  /** 1 − β1ᵗ and 1 − β2ᵗ for the update about to be applied (t = step + 1). */
  biasCorrections({beta1, beta2}: Pick<AdamWSettings, "beta1" | "beta2">): {bc1: number; bc2: number} {
    const t = this.t + 1;
    return {bc1: 1 - Math.pow(beta1, t), bc2: 1 - Math.pow(beta2, t)};
  }

  /**
   * Applies one update from grads (one per trained weight, in params order) with settings, and counts it. With
   * scale (a scalar: the clipping factor), every gradient is first multiplied by it. With ok (a boolean scalar), the
   * weights and moments change only where ok is true: a guard decides on the device, with no readback.
   * With keep, returns the change made to each weight (the caller disposes it); otherwise null.
   *
   * Written for few kernels (each is a dispatch and a pass over a weight; see bench/README.md): the per-step factors
   * are scalars computed once, the bias corrections are folded into them (PyTorch's own arrangement):
   *    p ← p·(1 − lr·λ) − (lr·√(1 − β2ᵗ)/(1 − β1ᵗ)) · m / (√v + ε·√(1 − β2ᵗ))   (= p − lr·(m̂ / (√v̂ + ε) + λ·p))
   * and the gate acts on the factors (β → 1, 1 − β → 0, lr → 0) plus one select that zeroes a non-finite gradient,
   * instead of a select on every weight, moment and update. On wasm each weight's update is one kernel over those
   * factors (adamwKernel.ts) instead of 9–11.
   */
  apply(
    grads: readonly tf.Tensor[],
    settings: AdamWSettings,
    {ok, scale, keep = false}: {ok?: tf.Tensor; scale?: tf.Tensor; keep?: boolean} = {}
  ): tf.Tensor[] | null {
    if (grads.length !== this.params.length)
      throw new Error(`${grads.length} gradients for ${this.params.length} weights`);
    checkSettings(settings);
    const {lr, beta1, beta2, eps, weightDecay} = settings;
    const {bc1, bc2} = this.biasCorrections(settings);
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
      // condition and zeros are made once per distinct shape; the condition by a comparison, not tf.broadcastTo,
      // which tiles a boolean at 50 ns an element on wasm).
      const fills = new Map<string, [tf.Tensor, tf.Tensor]>();
      const okAs1 = ok ? tf.cast(ok, "float32") : null; // 1 or 0
      const safe = (g: tf.Tensor): tf.Tensor => {
        if (!ok) return g;
        const key = g.shape.join(",");
        if (!fills.has(key)) {
          const zeros = tf.zerosLike(g);
          fills.set(key, [tf.less(zeros, okAs1!), zeros]); // 0 < 1: true where ok
        }
        const [cond, zeros] = fills.get(key)!;
        return tf.where(cond, g, zeros);
      };
      const {m: ms, v: vs} = this.moments;
      // wasm: one kernel per weight over the factors (FACTORS' order; ok = 0 leaves everything as it was)
      const gated = fusedHere() ? {...f, ok: okAs1 ?? tf.scalar(1)} : null;
      const factors = gated ? (tf.stack(FACTORS.map((name) => gated[name])) as tf.Tensor1D) : null; // (8)
      const update = (p: tf.Variable, i: number): tf.Tensor[] => {
        const decays = this.decay[i] && weightDecay > 0;
        if (factors) return updateWeight(p, ms[i], vs[i], grads[i], factors, decays);
        const g = safe(grads[i]);
        const m = tf.add(tf.mul(ms[i], f.b1), tf.mul(g, f.c1)); // β1·m + (1 − β1)·g
        const v = tf.add(tf.mul(vs[i], f.b2), tf.mul(tf.square(g), f.c2)); // β2·v + (1 − β2)·g²
        const direction = tf.div(m, tf.add(tf.sqrt(v), f.eps));
        return [tf.add(decays ? tf.mul(p, f.decay) : p, tf.mul(direction, f.step)), m, v];
      };
      this.params.forEach(({variable: p}, i) => {
        const [next, m, v] = update(p, i);
        if (keep) changes.push(tf.keep(tf.sub(next, p)));
        ms[i].assign(m);
        vs[i].assign(v);
        p.assign(next);
      });
    });
    this.t++;
    return keep ? changes : null;
  }

  /** The state, read back (every read is issued before the first await: one step's state even if training goes on). */
  async snapshot(): Promise<AdamWState> {
    const read = (ts: readonly tf.Tensor[]) => Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
    const step = this.t;
    const [m, v] = await Promise.all([read(this.moments.m), read(this.moments.v)]);
    const own = (a: Float32Array) => new Float32Array(a); // a backend may hand back memory it reuses
    return {step, m: m.map(own), v: v.map(own)};
  }

  /** Sets the step count and the moments (from a snapshot or a checkpoint). Checks every array's length first. */
  restore({step, m, v}: AdamWState): void {
    if (!(Number.isSafeInteger(step) && step >= 0)) throw new Error(`step (${step}) must be a non-negative integer`);
    if (m.length !== this.params.length || v.length !== this.params.length) {
      throw new Error(`${m.length} and ${v.length} moments for ${this.params.length} weights`);
    }
    this.params.forEach(({name, variable}, i) => {
      for (const a of [m[i], v[i]]) {
        if (a.length !== variable.size) throw new Error(`${name}: ${a.length} moment values for ${variable.size}`);
      }
    });
    this.params.forEach(({variable}, i) => {
      tf.tidy(() => {
        this.moments.m[i].assign(tf.tensor(m[i], variable.shape));
        this.moments.v[i].assign(tf.tensor(v[i], variable.shape));
      });
    });
    this.t = step;
  }

  /**
   * Sets the step count back to step, leaving the moments: after updates a guard turned into no-ops (the weights
   * and moments stayed those of step), so that the next update's bias corrections are those of step + 1.
   */
  rewind(step: number): void {
    if (!(Number.isSafeInteger(step) && step >= 0 && step <= this.t)) {
      throw new Error(`rewind: step (${step}) must be an integer in [0, ${this.t}]`);
    }
    this.t = step;
  }

  /** Frees the moments (not the weights). */
  dispose(): void {
    tf.dispose([...this.moments.m, ...this.moments.v]);
  }
}

/**
 * √(Σ‖g‖²) over all tensors: one concatenation, one square, one sum (a sum and a square per tensor plus their
 * additions would be three kernels per tensor). WebGPU's concat splits itself below the 8 storage buffers a shader
 * may bind; an addN over many tensors would not (the pipeline silently fails).
 */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    if (tensors.every(onSimd)) return norm(tensors);
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
