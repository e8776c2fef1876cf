// A float64 plain-JS GPT block, written position by position, to test the tensor code against.
export type Mat = number[][];
export interface RefLinear {
  weight: Mat; // (in, out)
  bias: number[] | null;
}
export interface RefLayerNorm {
  weight: number[];
  bias: number[] | null;
}
export interface RefBlock {
  ln1: RefLayerNorm;
  attn: {cAttn: RefLinear; cProj: RefLinear};
  ln2: RefLayerNorm;
  mlp: {cFc: RefLinear; cProj: RefLinear};
}

export function refLinear(x: Mat, p: RefLinear): Mat {
  return x.map((row) =>
    p.weight[0].map((_, j) => row.reduce((s, xi, i) => s + xi * p.weight[i][j], p.bias ? p.bias[j] : 0))
  );
}

export function refLayerNorm(x: Mat, p: RefLayerNorm, eps: number): Mat {
  return x.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map((v, j) => ((v - mean) / Math.sqrt(variance + eps)) * p.weight[j] + (p.bias ? p.bias[j] : 0));
  });
}

/** Attention of one sequence x (T, C): y (T, C) and the weights att (nh, T, T), one head and one position at a time. */
export function refAttention(x: Mat, p: RefBlock["attn"], nh: number): {y: Mat; att: number[][][]} {
  const T = x.length;
  const C = x[0].length;
  const hs = C / nh;
  const qkv = refLinear(x, p.cAttn);
  const q = (t: number, h: number) => qkv[t].slice(h * hs, (h + 1) * hs);
  const k = (t: number, h: number) => qkv[t].slice(C + h * hs, C + (h + 1) * hs);
  const v = (t: number, h: number) => qkv[t].slice(2 * C + h * hs, 2 * C + (h + 1) * hs);
  const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);
  const att: number[][][] = [];
  const merged: Mat = Array.from({length: T}, () => new Array(C).fill(0));
  for (let h = 0; h < nh; h++) {
    att.push([]);
    for (let t = 0; t < T; t++) {
      const scores = [];
      for (let j = 0; j <= t; j++) scores.push(dot(q(t, h), k(j, h)) / Math.sqrt(hs));
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const row = Array.from({length: T}, (_, j) => (j <= t ? exps[j] / total : 0));
      att[h].push(row);
      for (let j = 0; j <= t; j++) {
        const vj = v(j, h);
        for (let d = 0; d < hs; d++) merged[t][h * hs + d] += row[j] * vj[d];
      }
    }
  }
  return {y: refLinear(merged, p.cProj), att};
}

export const refActivations: Record<"relu" | "gelu_tanh", (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))
};

const add = (a: Mat, b: Mat): Mat => a.map((row, t) => row.map((v, j) => v + b[t][j]));

export function refBlock(
  x: Mat,
  p: RefBlock,
  cfg: {nHead: number; norm: "pre" | "post"; activation: "relu" | "gelu_tanh"; layerNormEps: number}
): Mat {
  const eps = cfg.layerNormEps;
  const attn = (z: Mat) => refAttention(z, p.attn, cfg.nHead).y;
  const mlp = (z: Mat) =>
    refLinear(
      refLinear(z, p.mlp.cFc).map((r) => r.map(refActivations[cfg.activation])),
      p.mlp.cProj
    );
  if (cfg.norm === "pre") {
    const r1 = add(x, attn(refLayerNorm(x, p.ln1, eps)));
    return add(r1, mlp(refLayerNorm(r1, p.ln2, eps)));
  }
  const s1 = refLayerNorm(add(x, attn(x)), p.ln1, eps);
  return refLayerNorm(add(s1, mlp(s1)), p.ln2, eps);
}
