// Checks TF.js gradients against central finite differences, one variable at a time.
import * as tf from "@tinygpt/tf";
import {randn} from "./tf.js";

export interface GradCheckOptions {
  eps?: number; // step along each unit direction (default 1e-2)
  rtol?: number; // allowed relative error (default 1e-2)
  seed?: number; // for the random directions
}

export interface GradCheck {
  variable: number; // index into vars
  direction: "gradient" | "random";
  analytic: number; // g · d
  numeric: number; // (f(v + eps d) - f(v - eps d)) / 2 eps
  ok: boolean;
}

/**
 * For each variable, compares the directional derivative of f along two unit directions, the gradient's own and a
 * random one, with its central difference. f must be deterministic. Variables are restored afterwards.
 * The absolute floor (rtol · |g| / 10) keeps float32 noise from failing a random direction almost orthogonal to g.
 */
export function gradCheck(f: () => tf.Scalar, vars: tf.Variable[], opts: GradCheckOptions = {}): GradCheck[] {
  const {eps = 1e-2, rtol = 1e-2, seed = 1} = opts;
  const {value, grads} = tf.variableGrads(f, vars);
  value.dispose();
  const checks: GradCheck[] = [];
  vars.forEach((v, i) => {
    const g = grads[v.name] ? Array.from(grads[v.name].dataSync()) : new Array<number>(v.size).fill(0); // none: f ignores v
    const v0 = Array.from(v.dataSync());
    const norm = (d: number[]) => {
      const n = Math.hypot(...d);
      return n > 0 ? d.map((x) => x / n) : null;
    };
    const gNorm = Math.hypot(...g);
    const directions: [GradCheck["direction"], number[] | null][] = [
      ["gradient", norm(g)],
      ["random", norm(randn(seed * 1000 + i, g.length))]
    ];
    const at = (d: number[], s: number) =>
      tf.tidy(() => {
        v.assign(
          tf.tensor(
            v0.map((x, j) => x + s * d[j]),
            v.shape
          )
        );
        return f().dataSync()[0];
      });
    for (const [direction, d] of directions) {
      if (!d) continue;
      const analytic = g.reduce((s, gj, j) => s + gj * d[j], 0);
      const numeric = (at(d, eps) - at(d, -eps)) / (2 * eps);
      const ok = Math.abs(analytic - numeric) <= rtol * Math.max(Math.abs(analytic), Math.abs(numeric), gNorm / 10);
      checks.push({variable: i, direction, analytic, numeric, ok});
    }
    tf.tidy(() => v.assign(tf.tensor(v0, v.shape)));
  });
  tf.dispose(grads);
  return checks;
}

/** gradCheck, throwing with every failed check listed. */
export function assertGradients(f: () => tf.Scalar, vars: tf.Variable[], opts: GradCheckOptions = {}): GradCheck[] {
  const checks = gradCheck(f, vars, opts);
  const bad = checks.filter((c) => !c.ok);
  if (bad.length > 0) throw new Error(`gradient check failed:\n${bad.map((c) => JSON.stringify(c)).join("\n")}`);
  return checks;
}

/** A scalar that depends on every element of y: sum(y * R) for a fixed random R. */
export const project = (y: tf.Tensor, seed = 7): tf.Scalar =>
  tf.tidy(() => tf.sum(tf.mul(y, tf.tensor(randn(seed, y.size), y.shape))));
