import { InvalidArgumentError, type Random } from '@modscope/core';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { denseVectors, type DenseVectors } from './dense-vectors.js';

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
  /** Whether the vector work may run in WebAssembly (SIMD). Default true; `false` forces JavaScript (same results). */
  wasm?: boolean;
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

  // the basis, the residual w, the Ritz vectors, the locked vectors and small scratch, in one arena
  // (WebAssembly memory where available: see dense-vectors.ts); offsets in elements
  const nl = locked.length;
  const wAt = n * (ncv + 1);
  const workAt = wAt + n;
  const lockAt = workAt + n * ncv;
  const cAt = lockAt + nl * n;
  const yAt = cAt + Math.max(ncv + 1, nl);
  const vec = denseVectors(yAt + ncv * ncv, { useWasm: options.wasm });
  try {
    return lanczosIn(op, nev, ncv, tol, maxMatvecs, random, locked, options.isConverged, vec, { wAt, workAt, lockAt, cAt, yAt });
  } finally {
    vec.dispose();
  }
}

function lanczosIn(
  op: LinearOperator,
  nev: number,
  ncv: number,
  tol: number,
  maxMatvecs: number,
  random: Random,
  locked: Float64Array[],
  test: ((theta: number, residual: number) => boolean) | undefined,
  vec: DenseVectors,
  { wAt, workAt, lockAt, cAt, yAt }: { wAt: number; workAt: number; lockAt: number; cAt: number; yAt: number },
): EigenResult {
  const n = op.n;
  const V = vec.arena;
  const nl = locked.length;
  for (const [i, u] of locked.entries()) V.set(u.subarray(0, n), lockAt + i * n);
  const w = V.subarray(wAt, wAt + n);
  const H = new Float64Array(ncv * ncv);
  const h = new Float64Array(ncv + 1);
  const betas = new Float64Array(ncv + 1);

  const orthoLocked = (off: number) => {
    if (nl === 0) return;
    vec.dots(lockAt, nl, n, off, cAt);
    vec.subtract(lockAt, cAt, nl, n, off);
  };
  /**
   * Orthogonalizes the vector at `off` against locked and V[0..count) by classical Gram–Schmidt, repeated
   * (DGKS) only when a pass removed more than ~30% of the norm; adds the coefficients to `coefficients`.
   * Returns the final norm.
   */
  const orthogonalize = (off: number, count: number, coefficients: Float64Array | null, normBefore?: number): number => {
    let before = normBefore ?? Math.sqrt(vec.dot(off, off, n));
    for (let pass = 0; pass < 3; pass++) {
      orthoLocked(off);
      vec.dots(0, count, n, off, cAt);
      if (coefficients) for (let i = 0; i < count; i++) coefficients[i]! += V[cAt + i]!;
      vec.subtract(0, cAt, count, n, off);
      const after = Math.sqrt(vec.dot(off, off, n));
      if (after > 0.7071 * before) return after;
      before = after;
    }
    return before;
  };
  const randomStart = (off: number, count: number): boolean => {
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0; i < n; i++) V[off + i] = random.normal();
      const norm = orthogonalize(off, count, null);
      if (norm > 1e-10) {
        const s = 1 / norm;
        for (let i = 0; i < n; i++) V[off + i]! *= s;
        return true;
      }
    }
    return false;
  };

  if (!randomStart(0, 0)) {
    throw new InvalidArgumentError({
      argument: 'locked',
      message: 'lanczosLargest: could not draw a start vector outside the locked subspace',
      hint: 'locked vectors must leave room',
    });
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
      const normW = Math.sqrt(vec.dot(wAt, wAt, n));
      const alpha = vec.dot(j * n, wAt, n);
      vec.axpy(-alpha, j * n, wAt, n);
      h[j] = alpha;
      if (j > j0) {
        const b = betas[j - 1]!;
        vec.axpy(-b, (j - 1) * n, wAt, n);
        h[j - 1] = b;
      }
      beta = orthogonalize(wAt, j + 1, h, j > j0 ? undefined : normW);
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
    for (let c = 0; c < nev; c++) {
      if (test ? test(theta[c]!, residuals[c]!) : residuals[c]! <= tol * Math.max(1, Math.abs(theta[c]!))) convergedCount++;
    }
    const done = convergedCount === nev || matvecs >= maxMatvecs;
    const keep = done ? nev : Math.min(ncv - 1, Math.max(nev + 1, nev + convergedCount + ((ncv - nev - convergedCount) >> 1)));
    // Ritz vectors: work[c] = V · Y[:, c]
    V.set(Y.subarray(0, ncv * keep), yAt);
    vec.combine(0, yAt, ncv, keep, workAt, n);
    if (done) {
      return {
        values: theta.slice(0, nev),
        vectors: V.slice(workAt, workAt + nev * n),
        residuals: residuals.slice(0, nev),
        matvecs,
        restarts,
        converged: convergedCount === nev,
      };
    }
    // thick restart: the kept Ritz vectors, then the residual direction
    V.copyWithin(keep * n, ncv * n, (ncv + 1) * n);
    V.copyWithin(0, workAt, workAt + keep * n);
    H.fill(0);
    for (let c = 0; c < keep; c++) H[c * ncv + c] = theta[c]!;
    j0 = keep;
    restarts++;
  }
}
