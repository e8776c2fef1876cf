// Singular values of a matrix, in plain JS (TF.js has no SVD): one-sided Jacobi (Hestenes), which rotates pairs of
// columns until all are orthogonal; the singular values are then the columns' lengths. Accurate for the small ones
// too (no Gram matrix, whose squaring would lose them), which is what showing rank ≤ r needs.

/** The singular values of an (m × n) matrix, largest first; min(m, n) of them. */
export function singularValues(matrix: readonly (readonly number[])[], {sweeps = 30, tol = 1e-12} = {}): number[] {
  const tall = matrix.length >= (matrix[0]?.length ?? 0);
  const rows = tall ? matrix : transposed(matrix); // m ≥ n: the same singular values
  const [m, n] = [rows.length, rows[0]?.length ?? 0];
  const cols = Array.from({length: n}, (_, j) => Float64Array.from({length: m}, (_, i) => rows[i][j]));
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const [a, b] = [cols[p], cols[q]];
        let [alpha, beta, gamma] = [0, 0, 0];
        for (let i = 0; i < m; i++)
          [alpha, beta, gamma] = [alpha + a[i] * a[i], beta + b[i] * b[i], gamma + a[i] * b[i]];
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta)); // the smaller rotation
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) [a[i], b[i]] = [c * a[i] - s * b[i], s * a[i] + c * b[i]];
      }
    }
    if (!rotated) break;
  }
  return cols.map((col) => Math.hypot(...col)).sort((x, y) => y - x);
}

const transposed = (matrix: readonly (readonly number[])[]): number[][] =>
  (matrix[0] ?? []).map((_, j) => matrix.map((row) => row[j]));
