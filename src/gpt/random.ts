// Seeded random numbers, computed in JS so every backend gets the same bits (initial weights, batches, dropout seeds).

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
export function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n samples of normal(0, std), from a stream of its own determined by (seed, name); Box–Muller. */
export function seededNormal(seed: number, name: string, n: number, std: number): Float32Array {
  const high = Math.floor(seed / 4294967296) >>> 0;
  const uniform = mulberry32(hashString(`${seed >>> 0}:${high}:${name}`));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const r = std * Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** n samples of uniform(−bound, bound), from a stream of its own determined by (seed, name). */
export function seededUniform(seed: number, name: string, n: number, bound: number): Float32Array {
  const high = Math.floor(seed / 4294967296) >>> 0;
  const uniform = mulberry32(hashString(`${seed >>> 0}:${high}:${name}:uniform`));
  return Float32Array.from({length: n}, () => bound * (2 * uniform() - 1));
}
