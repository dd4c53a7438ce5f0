import { InvalidArgumentError, type Random } from '@modscope/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A symmetric linear operator y = A·x on vectors of length `n`. */
export interface LinearOperator {
  n: number;
  apply(x: Float64Array, y: Float64Array): void;
}

export interface LanczosOptions {
  /** Seeded generator for the start vector. */
  random: Random;
  /** Krylov basis size before a restart. Default max(2·nev + 10, 36), at most n − locked. */
  ncv?: number;
  /** A Ritz pair is converged when ‖A·x − θ·x‖ ≤ tol·max(1, |θ|). Default 1e-6. */
  tol?: number;
  /** Give up (and report `converged: false`) after this many operator applications. Default 50·n, at least 5,000. */
  maxMatvecs?: number;
  /**
   * Orthonormal vectors (length n each) spanning an invariant subspace to leave out: the eigenpairs
   * found are those of A restricted to the orthogonal complement.
   */
  locked?: Float64Array[];
  /**
   * Replaces the convergence test: pair (θ, residual norm) is converged when this returns true. Default
   * residual ≤ tol·max(1, |θ|).
   */
  isConverged?: (theta: number, residual: number) => boolean;
}

export interface EigenResult {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors, each of length n, vector i at `vectors.subarray(i·n, (i+1)·n)`. */
  vectors: Float64Array;
  /** Residual norm ‖A·x − θ·x‖ of each pair. */
  residuals: Float64Array;
  matvecs: number;
  restarts: number;
  converged: boolean;
}

function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
  }
  if (i < n) s0 += a[aOff + i]! * b[bOff + i]!;
  return s0 + s1;
}

function axpy(alpha: number, x: Float64Array, xOff: number, y: Float64Array, yOff: number, n: number): void {
  for (let i = 0; i < n; i++) y[yOff + i]! += alpha * x[xOff + i]!;
}

/** y −= Σ_i coef[i]·V[i·n ..], four basis vectors per pass over y. */
function subtractCombination(V: Float64Array, coef: Float64Array, count: number, y: Float64Array, yOff: number, n: number): void {
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const a0 = coef[i]!;
    const a1 = coef[i + 1]!;
    const a2 = coef[i + 2]!;
    const a3 = coef[i + 3]!;
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let t = 0; t < n; t++) y[yOff + t]! -= a0 * V[o0 + t]! + a1 * V[o1 + t]! + a2 * V[o2 + t]! + a3 * V[o3 + t]!;
  }
  for (; i < count; i++) axpy(-coef[i]!, V, i * n, y, yOff, n);
}

/** out[c·n ..] = Σ_r Y[c·m + r]·V[r·n ..] for c < cols: the Ritz vectors, four at a time. */
function combine(V: Float64Array, Y: Float64Array, m: number, cols: number, out: Float64Array, n: number): void {
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    const y0 = c * m;
    const o = c * n;
    for (let t = 0; t < n; t++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < m; r++) {
        const v = V[r * n + t]!;
        s0 += Y[y0 + r]! * v;
        s1 += Y[y0 + m + r]! * v;
        s2 += Y[y0 + 2 * m + r]! * v;
        s3 += Y[y0 + 3 * m + r]! * v;
      }
      out[o + t] = s0;
      out[o + n + t] = s1;
      out[o + 2 * n + t] = s2;
      out[o + 3 * n + t] = s3;
    }
  }
  for (; c < cols; c++) {
    out.fill(0, c * n, (c + 1) * n);
    for (let r = 0; r < m; r++) {
      const y = Y[c * m + r]!;
      if (y !== 0) axpy(y, V, r * n, out, c * n, n);
    }
  }
}

/**
 * Eigen-decomposition of a small dense symmetric matrix (row-major `m × m`), eigenvalues descending.
 * Returns the eigenvectors column-major: vector c at `vectors[c·m .. (c+1)·m)`.
 */
export function denseSymmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const matrix = new Matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) matrix.set(i, j, a[i * m + j]!);
  const evd = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const ascending = evd.realEigenvalues;
  const y = evd.eigenvectorMatrix;
  const order = Array.from({ length: m }, (_, i) => i).sort((p, q) => ascending[q]! - ascending[p]!);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, c) => {
    values[c] = ascending[src]!;
    for (let r = 0; r < m; r++) vectors[c * m + r] = y.get(r, src);
  });
  return { values, vectors };
}

/**
 * The `nev` largest (algebraic) eigenpairs of a symmetric operator by thick-restart Lanczos with full
 * reorthogonalization (Wu & Simon's TRLan scheme; equivalent to ARPACK's implicit restarts). Each restart
 * keeps the best Ritz vectors and the residual direction, so no information is thrown away.
 */
export function lanczosLargest(op: LinearOperator, nev: number, options: LanczosOptions): EigenResult {
  const n = op.n;
  const locked = options.locked ?? [];
  const room = n - locked.length;
  if (!Number.isInteger(nev) || nev < 1 || nev > room) {
    throw new InvalidArgumentError({
      argument: 'nev',
      message: `lanczosLargest: cannot find ${nev} eigenpairs of an operator of size ${n} with ${locked.length} locked vectors`,
      hint: 'ask for at least 1 and at most n − locked eigenpairs',
    });
  }
  const ncv = Math.min(room, options.ncv ?? Math.max(2 * nev + 10, 36));
  const tol = options.tol ?? 1e-6;
  const maxMatvecs = options.maxMatvecs ?? Math.max(5000, 50 * n);
  const random = options.random;

  const V = new Float64Array(n * (ncv + 1));
  const H = new Float64Array(ncv * ncv);
  const w = new Float64Array(n);
  const h = new Float64Array(ncv + 1);
  const work = new Float64Array(n * ncv);
  const c = new Float64Array(ncv + 1);
  const betas = new Float64Array(ncv + 1);

  const orthoLocked = (x: Float64Array, off: number) => {
    for (const u of locked) axpy(-dot(u, 0, x, off, n), u, 0, x, off, n);
  };
  /**
   * Orthogonalizes x (at offset off) against locked and V[0..count) by classical Gram–Schmidt, repeated
   * (DGKS) only when a pass removed more than ~30% of the norm; adds the coefficients to `coefficients`.
   * Returns the final norm.
   */
  const orthogonalize = (x: Float64Array, off: number, count: number, coefficients: Float64Array | null, normBefore?: number): number => {
    let before = normBefore ?? Math.sqrt(dot(x, off, x, off, n));
    for (let pass = 0; pass < 3; pass++) {
      orthoLocked(x, off);
      for (let i = 0; i < count; i++) c[i] = dot(V, i * n, x, off, n);
      if (coefficients) for (let i = 0; i < count; i++) coefficients[i]! += c[i]!;
      subtractCombination(V, c, count, x, off, n);
      const after = Math.sqrt(dot(x, off, x, off, n));
      if (after > 0.7071 * before) return after;
      before = after;
    }
    return before;
  };
  const randomStart = (off: number, count: number): boolean => {
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0; i < n; i++) V[off + i] = random.normal();
      const norm = orthogonalize(V, off, count, null);
      if (norm > 1e-10) {
        const s = 1 / norm;
        for (let i = 0; i < n; i++) V[off + i]! *= s;
        return true;
      }
    }
    return false;
  };

  if (!randomStart(0, 0)) {
    throw new InvalidArgumentError({ argument: 'locked', message: 'lanczosLargest: could not draw a start vector outside the locked subspace', hint: 'locked vectors must leave room' });
  }

  let j0 = 0;
  let matvecs = 0;
  let restarts = 0;
  const S = new Float64Array(ncv * ncv);
  for (;;) {
    let beta = 0;
    for (let j = j0; j < ncv; j++) {
      op.apply(V.subarray(j * n, (j + 1) * n), w);
      matvecs++;
      h.fill(0, 0, j + 1);
      // the three-term recurrence first (v_j, and v_(j−1) unless just restarted), then one full pass
      const normW = Math.sqrt(dot(w, 0, w, 0, n));
      const alpha = dot(V, j * n, w, 0, n);
      axpy(-alpha, V, j * n, w, 0, n);
      h[j] = alpha;
      if (j > j0) {
        const b = betas[j - 1]!;
        axpy(-b, V, (j - 1) * n, w, 0, n);
        h[j - 1] = b;
      }
      beta = orthogonalize(w, 0, j + 1, h, j > j0 ? undefined : normW);
      for (let i = 0; i <= j; i++) H[i * ncv + j] = h[i]!;
      betas[j] = beta;
      const off = (j + 1) * n;
      if (beta > 1e-12) {
        const s = 1 / beta;
        for (let i = 0; i < n; i++) V[off + i] = w[i]! * s;
      } else {
        // invariant subspace found: continue with a fresh direction, not coupled to the basis
        beta = 0;
        if (j + 1 < ncv && !randomStart(off, j + 1)) break;
        if (j + 1 === ncv) randomStart(off, j + 1);
      }
    }
    // Rayleigh–Ritz on the upper triangle of the projected matrix
    for (let i = 0; i < ncv; i++) {
      for (let j = i; j < ncv; j++) {
        const v = H[i * ncv + j]!;
        S[i * ncv + j] = v;
        S[j * ncv + i] = v;
      }
    }
    const { values: theta, vectors: Y } = denseSymmetricEigen(S, ncv);
    let convergedCount = 0;
    const residuals = new Float64Array(ncv);
    for (let c = 0; c < ncv; c++) residuals[c] = Math.abs(beta * Y[c * ncv + ncv - 1]!);
    const test = options.isConverged;
    for (let c = 0; c < nev; c++) {
      if (test ? test(theta[c]!, residuals[c]!) : residuals[c]! <= tol * Math.max(1, Math.abs(theta[c]!))) convergedCount++;
    }
    const done = convergedCount === nev || matvecs >= maxMatvecs;
    const keep = done ? nev : Math.min(ncv - 1, Math.max(nev + 1, nev + convergedCount + ((ncv - nev - convergedCount) >> 1)));
    // Ritz vectors: work[c] = V · Y[:, c]
    combine(V, Y, ncv, keep, work, n);
    if (done) {
      return {
        values: theta.slice(0, nev),
        vectors: work.slice(0, nev * n),
        residuals: residuals.slice(0, nev),
        matvecs,
        restarts,
        converged: convergedCount === nev,
      };
    }
    // thick restart: the kept Ritz vectors, then the residual direction
    V.copyWithin(keep * n, ncv * n, (ncv + 1) * n);
    V.set(work.subarray(0, keep * n), 0);
    H.fill(0);
    for (let c = 0; c < keep; c++) H[c * ncv + c] = theta[c]!;
    j0 = keep;
    restarts++;
  }
}
