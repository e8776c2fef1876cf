// The wasm backend's SIMD kernels (wasm SIMD, 4 float32 lanes), compiled by scripts/simd.mjs into kernels.wasm.ts.
// They work on the backend's own memory: every pointer is a tensor's place in it (simd.ts). Nothing here allocates
// but on the stack, which simd.ts sets aside in that memory.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
typedef v128_t f4;
#define add wasm_f32x4_add
#define mul wasm_f32x4_mul
#define splat wasm_f32x4_splat

static float sum4(f4 v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// a[i][k] is a[i·ai + k·ak]: (ai, ak) = (K, 1) for a stored (M, K), (1, M) for a stored (K, M) and used transposed;
// b[k][j] is b[k·bk + j·bj]; c[i][j] is c[i·ldc + j].

// c = a·b over rows i0..i1 and columns j0..j1, one float at a time: the edges the blocks leave.
static void productEdge(const float* a, int ai, int ak, const float* b, int bk, int bj, float* c, int ldc, int K,
                        int i0, int i1, int j0, int j1) {
  for (int i = i0; i < i1; i++)
    for (int j = j0; j < j1; j++) {
      float s = 0;
      for (int k = 0; k < K; k++) s += a[i * ai + k * ak] * b[k * bk + j * bj];
      c[i * ldc + j] = s;
    }
}

// c (M, N) = a·b with b's rows contiguous (b[k][j] = b[k·ldb + j]): each 4 × 8 block of c is eight sums of 4 lanes
// over k in order (as XNNPACK sums them), four values of a broadcast against two vectors of b's row k.
static void productRows(const float* a, int ai, int ak, const float* b, int ldb, float* c, int ldc, int M, int K,
                        int N) {
  const int M4 = M & ~3, N8 = N & ~7;
  for (int i = 0; i < M4; i += 4)
    for (int j = 0; j < N8; j += 8) {
      f4 c00 = splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float* ai0 = a + i * ai;
      for (int k = 0; k < K; k++) {
        const float* ak0 = ai0 + k * ak;
        f4 b0 = wasm_v128_load(b + k * ldb + j), b1 = wasm_v128_load(b + k * ldb + j + 4);
        f4 x0 = splat(ak0[0]), x1 = splat(ak0[ai]), x2 = splat(ak0[2 * ai]), x3 = splat(ak0[3 * ai]);
        c00 = add(c00, mul(x0, b0)), c01 = add(c01, mul(x0, b1));
        c10 = add(c10, mul(x1, b0)), c11 = add(c11, mul(x1, b1));
        c20 = add(c20, mul(x2, b0)), c21 = add(c21, mul(x2, b1));
        c30 = add(c30, mul(x3, b0)), c31 = add(c31, mul(x3, b1));
      }
      float* cij = c + i * ldc + j;
      wasm_v128_store(cij, c00), wasm_v128_store(cij + 4, c01);
      wasm_v128_store(cij + ldc, c10), wasm_v128_store(cij + ldc + 4, c11);
      wasm_v128_store(cij + 2 * ldc, c20), wasm_v128_store(cij + 2 * ldc + 4, c21);
      wasm_v128_store(cij + 3 * ldc, c30), wasm_v128_store(cij + 3 * ldc + 4, c31);
    }
  productEdge(a, ai, ak, b, ldb, 1, c, ldc, K, 0, M4, N8, N);
  productEdge(a, ai, ak, b, ldb, 1, c, ldc, K, M4, M, 0, N);
}

// Floats of b transposed at a time for a·bᵀ, on the stack (64 KiB: simd.ts's STACK).
#define PANEL 4096

// c = a·bᵀ for a (M, K) and b (N, K): b's rows copied a panel of columns at a time into bᵀ (K, nc) on the stack, each
// panel multiplied as productRows does (the same sums, in the same order, as with bᵀ stored).
static void productPanels(const float* a, const float* b, float* c, int M, int K, int N) {
  int nc = (PANEL / K) & ~7;
  if (nc > N) nc = N;
  float bt[K * nc];
  for (int j0 = 0; j0 < N; j0 += nc) {
    int w = N - j0 < nc ? N - j0 : nc;
    for (int j = 0; j < w; j++)
      for (int k = 0; k < K; k++) bt[k * w + j] = b[(j0 + j) * K + k];
    productRows(a, K, 1, bt, w, c + j0, N, M, K, w);
  }
}

// c[n] = op(a[n])·op(b[n]) for n < batch -> (batch, M, N), op(x) = xᵀ where transA (a[n] stored (K, M)) or transB
// (b[n] stored (N, K)); not both. a·bᵀ goes by panels of bᵀ where a panel of 8 columns fits on the stack (K ≤ 512,
// a head size far past any model here), else one float at a time.
EXPORT(batchMatMul)
void batchMatMul(const float* A, const float* B, float* C, int batch, int M, int K, int N, int transA, int transB) {
  for (int n = 0; n < batch; n++) {
    const float *a = A + n * M * K, *b = B + n * K * N;
    float* c = C + n * M * N;
    if (transB && 8 * K <= PANEL) productPanels(a, b, c, M, K, N);
    else if (transB) productEdge(a, K, 1, b, 1, K, c, N, K, 0, M, 0, N);
    else if (transA) productRows(a, 1, M, b, N, c, N, M, K, N);
    else productRows(a, K, 1, b, N, c, N, M, K, N);
  }
}

// Eigen's erf for float32 (generic_fast_erf_float, as XLA and TensorFlow use): x·α(x²)/β(x²), x clamped to [−4, 4].
static f4 erf4(f4 z) {
  f4 x = wasm_f32x4_pmin(splat(4), wasm_f32x4_pmax(splat(-4), z));
  f4 x2 = mul(x, x);
  f4 p = splat(-2.72614225801306e-10f);
  p = add(mul(p, x2), splat(2.77068142495902e-08f));
  p = add(mul(p, x2), splat(-2.10102402082508e-06f));
  p = add(mul(p, x2), splat(-5.69250639462346e-05f));
  p = add(mul(p, x2), splat(-7.34990630326855e-04f));
  p = add(mul(p, x2), splat(-2.95459980854025e-03f));
  p = add(mul(p, x2), splat(-1.60960333262415e-02f));
  f4 q = splat(-1.45660718464996e-05f);
  q = add(mul(q, x2), splat(-2.13374055278905e-04f));
  q = add(mul(q, x2), splat(-1.68282697438203e-03f));
  q = add(mul(q, x2), splat(-7.37332916720468e-03f));
  q = add(mul(q, x2), splat(-1.42647390514189e-02f));
  return wasm_f32x4_div(mul(x, p), q);
}

// eᶻ for z ≤ 0 (Cephes' expf: z = n·ln 2 + r, |r| ≤ ln 2 / 2, a degree-7 polynomial in r, times 2ⁿ), z clamped to
// −87 (eᶻ ≈ 1.6e−38 there).
static f4 expNonPositive4(f4 z) {
  z = wasm_f32x4_pmax(splat(-87.0f), z);
  f4 n = wasm_f32x4_nearest(mul(z, splat(1.44269504088896341f)));
  f4 r = wasm_f32x4_sub(wasm_f32x4_sub(z, mul(n, splat(0.693359375f))), mul(n, splat(-2.12194440e-4f)));
  f4 p = splat(1.9875691500e-4f);
  p = add(mul(p, r), splat(1.3981999507e-3f));
  p = add(mul(p, r), splat(8.3334519073e-3f));
  p = add(mul(p, r), splat(4.1665795894e-2f));
  p = add(mul(p, r), splat(1.6666665459e-1f));
  p = add(mul(p, r), splat(5.0000001201e-1f));
  p = add(add(mul(p, mul(r, r)), r), splat(1));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return mul(p, scale);
}

// GELU: e = erf(x/√2), y = 0.5·x·(1 + e), over n values (n a multiple of 4).
EXPORT(gelu)
void gelu(const float* x, float* y, float* e, int n) {
  for (int i = 0; i < n; i += 4) {
    f4 xi = wasm_v128_load(x + i);
    f4 ei = erf4(mul(xi, splat(0.70710678118654752f)));
    wasm_v128_store(e + i, ei);
    wasm_v128_store(y + i, mul(mul(xi, splat(0.5f)), add(splat(1), ei)));
  }
}

// GELU's gradient: dx = dy·(Φ(x) + x·φ(x)), Φ(x) = (1 + e)/2, φ(x) = e^(−x²/2)/√(2π), n a multiple of 4.
EXPORT(geluGrad)
void geluGrad(const float* dy, const float* x, const float* e, float* dx, int n) {
  for (int i = 0; i < n; i += 4) {
    f4 xi = wasm_v128_load(x + i);
    f4 pdf = mul(expNonPositive4(mul(mul(xi, xi), splat(-0.5f))), splat(0.39894228040143268f));
    f4 cdf = mul(add(wasm_v128_load(e + i), splat(1)), splat(0.5f));
    wasm_v128_store(dx + i, mul(wasm_v128_load(dy + i), add(cdf, mul(xi, pdf))));
  }
}

// out (C) = the sum of x's R rows (R, C), row after row; C a multiple of 4.
EXPORT(columnSums)
void columnSums(const float* x, float* out, int R, int C) {
  for (int j = 0; j < C; j += 4) wasm_v128_store(out + j, splat(0));
  for (int i = 0; i < R; i++)
    for (int j = 0; j < C; j += 4) wasm_v128_store(out + j, add(wasm_v128_load(out + j), wasm_v128_load(x + i * C + j)));
}

// dst (C, R) = src (R, C) transposed, 4 × 4 blocks through the lanes; R and C multiples of 4. Sixteen rows of src at
// a time, so that each 64-byte line of dst is written whole while it is cached.
EXPORT(transpose2d)
void transpose2d(const float* src, float* dst, int R, int C) {
  for (int i0 = 0; i0 < R; i0 += 16)
    for (int j = 0; j < C; j += 4)
      for (int i = i0; i < i0 + 16 && i < R; i += 4) {
        const float* s = src + i * C + j;
        f4 r0 = wasm_v128_load(s), r1 = wasm_v128_load(s + C), r2 = wasm_v128_load(s + 2 * C);
        f4 r3 = wasm_v128_load(s + 3 * C);
        f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        f4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        float* d = dst + j * R + i;
        wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
        wasm_v128_store(d + R, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
        wasm_v128_store(d + 2 * R, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
        wasm_v128_store(d + 3 * R, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
      }
}

// LayerNorm over rows of C (a multiple of 4): x̂ = (x − μ)·r, r = 1/√(σ² + ε) (biased variance), y = x̂·γ.
EXPORT(layerNorm)
void layerNorm(const float* x, const float* gamma, float* y, float* xHat, float* r, int rows, int C, float eps) {
  for (int i = 0; i < rows; i++) {
    const float* xi = x + i * C;
    f4 s = splat(0);
    for (int j = 0; j < C; j += 4) s = add(s, wasm_v128_load(xi + j));
    f4 mean = splat(sum4(s) / C);
    f4 q = splat(0);
    for (int j = 0; j < C; j += 4) {
      f4 d = wasm_f32x4_sub(wasm_v128_load(xi + j), mean);
      q = add(q, mul(d, d));
    }
    float ri = 1 / __builtin_sqrtf(sum4(q) / C + eps);
    r[i] = ri;
    for (int j = 0; j < C; j += 4) {
      f4 h = mul(wasm_f32x4_sub(wasm_v128_load(xi + j), mean), splat(ri));
      wasm_v128_store(xHat + i * C + j, h);
      wasm_v128_store(y + i * C + j, mul(h, wasm_v128_load(gamma + j)));
    }
  }
}

// LayerNorm's gradients: ∂x̂ = ∂y·γ, ∂x = r·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)), ∂γ = Σ ∂y·x̂, ∂β = Σ ∂y (over rows).
EXPORT(layerNormGrad)
void layerNormGrad(const float* dy, const float* xHat, const float* r, const float* gamma, float* dx, float* dGamma,
                   float* dBeta, int rows, int C) {
  for (int j = 0; j < C; j += 4) wasm_v128_store(dGamma + j, splat(0)), wasm_v128_store(dBeta + j, splat(0));
  for (int i = 0; i < rows; i++) {
    const float *dyi = dy + i * C, *hi = xHat + i * C;
    f4 m = splat(0), mx = splat(0);
    for (int j = 0; j < C; j += 4) {
      f4 g = wasm_v128_load(dyi + j), h = wasm_v128_load(hi + j);
      f4 d = mul(g, wasm_v128_load(gamma + j));
      m = add(m, d);
      mx = add(mx, mul(d, h));
      wasm_v128_store(dGamma + j, add(wasm_v128_load(dGamma + j), mul(g, h)));
      wasm_v128_store(dBeta + j, add(wasm_v128_load(dBeta + j), g));
    }
    f4 mean = splat(sum4(m) / C), meanX = splat(sum4(mx) / C), ri = splat(r[i]);
    for (int j = 0; j < C; j += 4) {
      f4 d = mul(wasm_v128_load(dyi + j), wasm_v128_load(gamma + j));
      f4 c = wasm_f32x4_sub(wasm_f32x4_sub(d, mean), mul(wasm_v128_load(hi + j), meanX));
      wasm_v128_store(dx + i * C + j, mul(ri, c));
    }
  }
}

// AdamW's update of n values (n even) in float64, two at a time, as adamwKernel.ts's loop: m' = b1·m + c1·g and
// v' = b2·v + c2·g² rounded to float32, p' = p·keep + step·m'/(√v' + eps).
EXPORT(adamw)
void adamw(const float* p, const float* m, const float* v, const float* g, float* p1, float* m1, float* v1, int n,
           double b1, double c1, double b2, double c2, double step, double keep, double eps) {
#define F64(ptr) wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(ptr + i))
#define STORE(ptr, x) wasm_v128_store64_lane(ptr + i, wasm_f32x4_demote_f64x2_zero(x), 0)
  for (int i = 0; i < n; i += 2) {
    v128_t gi = F64(g);
    v128_t mi = wasm_f32x4_demote_f64x2_zero(
        wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_splat(b1), F64(m)), wasm_f64x2_mul(wasm_f64x2_splat(c1), gi)));
    v128_t vi = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_add(
        wasm_f64x2_mul(wasm_f64x2_splat(b2), F64(v)), wasm_f64x2_mul(wasm_f64x2_mul(wasm_f64x2_splat(c2), gi), gi)));
    wasm_v128_store64_lane(m1 + i, mi, 0);
    wasm_v128_store64_lane(v1 + i, vi, 0);
    v128_t md = wasm_f64x2_promote_low_f32x4(mi), vd = wasm_f64x2_promote_low_f32x4(vi);
    v128_t upd = wasm_f64x2_div(wasm_f64x2_mul(wasm_f64x2_splat(step), md),
                                wasm_f64x2_add(wasm_f64x2_sqrt(vd), wasm_f64x2_splat(eps)));
    STORE(p1, wasm_f64x2_add(wasm_f64x2_mul(F64(p), wasm_f64x2_splat(keep)), upd));
  }
#undef F64
#undef STORE
}

// The sum of the squares of n values (n a multiple of 4), in float64: two lanes of float64 per half of each 4 floats.
EXPORT(sumSquares)
double sumSquares(const float* x, int n) {
  v128_t lo = wasm_f64x2_splat(0), hi = lo;
  for (int i = 0; i < n; i += 4) {
    f4 v = wasm_v128_load(x + i);
    v128_t a = wasm_f64x2_promote_low_f32x4(v), b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    lo = wasm_f64x2_add(lo, wasm_f64x2_mul(a, a)), hi = wasm_f64x2_add(hi, wasm_f64x2_mul(b, b));
  }
  v128_t s = wasm_f64x2_add(lo, hi);
  return wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
}
