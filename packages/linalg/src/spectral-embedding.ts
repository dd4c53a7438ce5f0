import { InvalidArgumentError, type Random, type SparseGraph } from '@modscope/core';
import { checkedDegrees, componentsAndColouring, invSqrtDegrees, normalizedAdjacency } from './csr.js';
import { denseSymmetricEigen, lanczosLargest } from './lanczos.js';
import { sparseProducts, type CsrBlock } from './run-matrix.js';

export interface SpectralEmbeddingOptions {
  random: Random;
  /** Residual tolerance of the eigensolver. Default 1e-6. */
  tol?: number;
  /** Graphs up to this many nodes use a dense eigen-decomposition. Default 200. */
  denseBelow?: number;
  /** Krylov basis size (see `lanczosLargest`). */
  ncv?: number;
  /**
   * Whether a bipartite graph (every edge joins the two colour classes, as in an MLP's weight graph) may
   * use the faster singular-value path. Default true; `false` forces the general path.
   */
  bipartite?: boolean;
  /** Whether the sparse products and the eigensolver's vector work may run in WebAssembly (SIMD). Default true; `false` forces JavaScript. */
  wasm?: boolean;
}

export interface SpectralEmbedding {
  n: number;
  k: number;
  /** Row-major n × k: row i is node i's coordinates, already divided by sqrt(degree). */
  embedding: Float64Array;
  /** The k smallest eigenvalues of the normalized Laplacian, ascending. */
  eigenvalues: Float64Array;
  /** Connected components of the graph; each contributes one exact zero eigenvalue. */
  components: number;
  /** Operator applications the eigensolver used (0 on the dense path). */
  matvecs: number;
  /** Whether the eigensolver met its tolerance. */
  converged: boolean;
  /** Whether the bipartite (singular-value) path was used. */
  bipartite: boolean;
}

/**
 * The spectral embedding of the method (§2): the k eigenvectors of the normalized Laplacian
 * L = I − D^(−1/2)·A·D^(−1/2) with the smallest eigenvalues, the trivial one included, each row divided
 * by sqrt(degree).
 *
 * The eigenvectors of L's smallest eigenvalues are those of the normalized adjacency's largest, found
 * here by thick-restart Lanczos. Each connected component's vector D^(1/2)·1_C is an exact eigenvector
 * with eigenvalue 0; they are put in directly and the solver works in their orthogonal complement, so
 * graphs with several components need no special luck from the solver. A graph with more components
 * than k, or with nodes of degree 0, is refused with an error saying what to do.
 */
export function spectralEmbedding(graph: SparseGraph, k: number, options: SpectralEmbeddingOptions): SpectralEmbedding {
  const deg = checkedDegrees(graph);
  const n = graph.nodeCount;
  if (n === 0)
    throw new InvalidArgumentError({
      argument: 'graph',
      message: 'spectral embedding of an empty graph',
      hint: 'the graph has no nodes; check the network has weighted layers',
    });
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `k = ${k} clusters asked for a graph of ${n} nodes`,
      hint: `choose an integer k from 1 to ${n}`,
    });
  }
  let isolated = 0;
  for (let i = 0; i < n; i++) if (deg[i] === 0) isolated++;
  if (isolated > 0) {
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `the graph has ${isolated} node${isolated === 1 ? '' : 's'} of degree 0, which spectral clustering cannot place`,
      hint: 'remove them first with removeIsolatedNodes from @modscope/graph (they then get label −1)',
    });
  }
  const { component, count, colour } = componentsAndColouring(graph);
  if (count > k) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `the graph falls apart into ${count} connected components, more than k = ${k}; spectral clustering cannot give fewer clusters than components`,
      hint: `use k ≥ ${count}, prune less, or cluster the largest component on its own`,
    });
  }
  const invSqrtDegree = invSqrtDegrees(deg);
  const columns: Float64Array[] = [];
  const values: number[] = [];
  // exact eigenvectors of the components, eigenvalue 1 of the normalized adjacency (0 of L)
  const norms = new Float64Array(count);
  for (let i = 0; i < n; i++) norms[component[i]!]! += deg[i]!;
  for (let c = 0; c < count; c++) {
    const v = new Float64Array(n);
    const s = 1 / Math.sqrt(norms[c]!);
    for (let i = 0; i < n; i++) if (component[i] === c) v[i] = Math.sqrt(deg[i]!) * s;
    columns.push(v);
    values.push(1);
  }
  let matvecs = 0;
  let converged = true;
  let bipartite = false;
  let viaSvd: ReturnType<typeof bipartiteEigen> = null;
  const rest = k - count;
  if (rest > 0) {
    const small = n <= (options.denseBelow ?? 200);
    if (!small && options.bipartite !== false && colour !== null) {
      viaSvd = bipartiteEigen(graph, colour, invSqrtDegree, component, count, deg, rest, options);
    }
    if (small) {
      const { matrix } = normalizedAdjacency(graph, deg);
      const dense = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let p = matrix.indptr[i]!; p < matrix.indptr[i + 1]!; p++) dense[i * n + matrix.indices[p]!] = matrix.values[p]!;
      }
      // project out the component vectors: P·M·P keeps the rest of the spectrum, sends them to 0… and
      // could collide with genuine 0 eigenvalues, so shift them below the spectrum (M ≥ −1) instead
      for (const u of columns) {
        for (let i = 0; i < n; i++) {
          if (u[i] === 0) continue;
          for (let j = 0; j < n; j++) dense[i * n + j]! -= 3 * u[i]! * u[j]!;
        }
      }
      const { values: theta, vectors } = denseSymmetricEigen(dense, n);
      for (let c = 0; c < rest; c++) {
        columns.push(vectors.slice(c * n, (c + 1) * n));
        values.push(theta[c]!);
      }
    } else if (viaSvd !== null) {
      for (let c = 0; c < rest; c++) {
        columns.push(viaSvd.vectors.subarray(c * n, (c + 1) * n));
        values.push(viaSvd.values[c]!);
      }
      matvecs = viaSvd.matvecs;
      converged = viaSvd.converged;
      bipartite = true;
    } else {
      const { matrix } = normalizedAdjacency(graph, deg);
      const products = sparseProducts(
        { rows: n, cols: n, indptr: matrix.indptr, indices: matrix.indices, values: matrix.values },
        { useWasm: options.wasm },
      );
      let result: ReturnType<typeof lanczosLargest>;
      try {
        result = lanczosLargest({ n, apply: (x, y) => products.apply(x, y) }, rest, {
          random: options.random,
          tol: options.tol,
          ncv: options.ncv,
          locked: columns.slice(),
          wasm: options.wasm,
        });
      } finally {
        products.dispose();
      }
      for (let c = 0; c < rest; c++) {
        columns.push(result.vectors.slice(c * n, (c + 1) * n));
        values.push(result.values[c]!);
      }
      matvecs = result.matvecs;
      converged = result.converged;
    }
  }
  const embedding = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const v = columns[c]!;
    for (let i = 0; i < n; i++) embedding[i * k + c] = v[i]! * invSqrtDegree[i]!;
  }
  const eigenvalues = new Float64Array(k);
  for (let c = 0; c < k; c++) eigenvalues[c] = Math.max(0, 1 - values[c]!);
  return { n, k, embedding, eigenvalues, components: count, matvecs, converged, bipartite };
}

/**
 * Two-colours the graph along its edges of positive weight. Returns colour 0/1 per node, or null when
 * some edge joins two nodes of the same colour (an odd cycle).
 */
export function bipartiteColouring(graph: SparseGraph): Uint8Array | null {
  return componentsAndColouring(graph).colour;
}

/**
 * Rows `rows` of the normalized adjacency D^(−1/2)·A·D^(−1/2), keeping only columns with `local[col] >= 0`
 * (renumbered to `local[col]`) and nonzero values.
 */
function subBlock(graph: SparseGraph, inv: Float64Array, rows: Int32Array, local: Int32Array, cols: number): CsrBlock {
  const { indptr: gp, indices: gi, weights: gw } = graph;
  let bound = 0;
  for (let r = 0; r < rows.length; r++) bound += gp[rows[r]! + 1]! - gp[rows[r]!]!;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(bound);
  const values = new Float64Array(bound);
  let q = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const di = inv[i]!;
    const end = gp[i + 1]!;
    for (let p = gp[i]!; p < end; p++) {
      const j = gi[p]!;
      const l = local[j]!;
      if (l >= 0 && gw[p] !== 0) {
        indices[q] = l;
        values[q++] = gw[p]! * di * inv[j]!;
      }
    }
    indptr[r + 1] = q;
  }
  return { rows: rows.length, cols, indptr, indices: indices.subarray(0, q), values: values.subarray(0, q) };
}

/**
 * The `rest` largest eigenpairs of the normalized adjacency M, outside the component vectors, for a
 * bipartite graph. With the nodes split into the colour classes P and Q, M = [[0, B], [Bᵀ, 0]], and its
 * eigenvalues are ±σ for the singular values σ of B: the largest are the top singular triplets
 * (σ, u, v), with eigenvector (u, v)/√2. They are found by Lanczos on B·Bᵀ over the smaller class (half
 * the vector length, and the squared spectrum has twice the relative gaps and no −1 end to waste effort
 * on), then v = Bᵀ·u/σ. Returns null when the graph is not bipartite or the path does not apply.
 */
function bipartiteEigen(
  graph: SparseGraph,
  colour: Uint8Array,
  inv: Float64Array,
  component: Int32Array,
  count: number,
  deg: Float64Array,
  rest: number,
  options: SpectralEmbeddingOptions,
): { values: Float64Array; vectors: Float64Array; matvecs: number; converged: boolean } | null {
  const n = graph.nodeCount;
  let ones = 0;
  for (let i = 0; i < n; i++) ones += colour[i]!;
  const sideColour = ones < n - ones ? 1 : 0;
  const p = sideColour === 1 ? ones : n - ones;
  const q = n - p;
  if (rest > p - count) return null;
  const pRows = new Int32Array(p);
  const qRows = new Int32Array(q);
  const qLocal = new Int32Array(n).fill(-1);
  let ip = 0;
  let iq = 0;
  for (let i = 0; i < n; i++) {
    if (colour[i] === sideColour) {
      pRows[ip++] = i;
    } else {
      qLocal[i] = iq;
      qRows[iq++] = i;
    }
  }
  const b = sparseProducts(subBlock(graph, inv, pRows, qLocal, q), { useWasm: options.wasm });
  try {
    // component vectors restricted to P: D^(1/2)·1 on C ∩ P, renormalised
    const locked: Float64Array[] = [];
    const norms = new Float64Array(count);
    for (let r = 0; r < p; r++) norms[component[pRows[r]!]!]! += deg[pRows[r]!]!;
    for (let c = 0; c < count; c++) locked.push(new Float64Array(p));
    for (let r = 0; r < p; r++) {
      const i = pRows[r]!;
      const c = component[i]!;
      locked[c]![r] = Math.sqrt(deg[i]! / norms[c]!);
    }
    const t = new Float64Array(q);
    const tol = options.tol ?? 1e-6;
    // a residual r of B·Bᵀ (eigenvalue θ = σ²) gives the residual r/(σ·√2) of M, held to tol·max(1, σ)
    // (a floor on σ keeps a rank-deficient B from running to maxMatvecs; such pairs go to the general path below)
    const isConverged = (theta: number, r: number) => r <= tol * Math.SQRT2 * Math.max(0.05, Math.sqrt(Math.max(0, theta)));
    const result = lanczosLargest({ n: p, apply: (x, y) => b.applyGram(x, y) }, rest, {
      random: options.random,
      tol,
      ncv: options.ncv,
      locked,
      isConverged,
      wasm: options.wasm,
    });
    const values = new Float64Array(rest);
    for (let c = 0; c < rest; c++) {
      const sigma = Math.sqrt(Math.max(0, result.values[c]!));
      // too small a singular value for v = Bᵀu/σ to be accurate: leave it to the general path
      if (!(result.residuals[c]! <= tol * sigma * Math.SQRT2) && result.converged) return null;
      if (sigma < 1e-6) return null;
      values[c] = sigma;
    }
    const vectors = new Float64Array(rest * n);
    for (let c = 0; c < rest; c++) {
      const u = result.vectors.subarray(c * p, (c + 1) * p);
      b.applyTranspose(u, t);
      const off = c * n;
      const su = Math.SQRT1_2;
      const sv = Math.SQRT1_2 / values[c]!;
      for (let r = 0; r < p; r++) vectors[off + pRows[r]!] = u[r]! * su;
      for (let r = 0; r < q; r++) vectors[off + qRows[r]!] = t[r]! * sv;
    }
    return { values, vectors, matvecs: result.matvecs + 1, converged: result.converged };
  } finally {
    b.dispose();
  }
}
