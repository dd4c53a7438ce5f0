import { InvalidArgumentError, type Random, type SparseGraph } from '@modscope/core';
import { checkGraph, connectedComponents, graphDegrees, normalizedAdjacency, spmv } from './csr.js';
import { denseSymmetricEigen, lanczosLargest } from './lanczos.js';

export interface SpectralEmbeddingOptions {
  random: Random;
  /** Residual tolerance of the eigensolver. Default 1e-6. */
  tol?: number;
  /** Graphs up to this many nodes use a dense eigen-decomposition. Default 200. */
  denseBelow?: number;
  /** Krylov basis size (see `lanczosLargest`). */
  ncv?: number;
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
  checkGraph(graph);
  const n = graph.nodeCount;
  if (n === 0) throw new InvalidArgumentError({ argument: 'graph', message: 'spectral embedding of an empty graph', hint: 'the graph has no nodes; check the network has weighted layers' });
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `k = ${k} clusters asked for a graph of ${n} nodes`,
      hint: `choose an integer k from 1 to ${n}`,
    });
  }
  const deg = graphDegrees(graph);
  let isolated = 0;
  for (let i = 0; i < n; i++) if (deg[i] === 0) isolated++;
  if (isolated > 0) {
    throw new InvalidArgumentError({
      argument: 'graph',
      message: `the graph has ${isolated} node${isolated === 1 ? '' : 's'} of degree 0, which spectral clustering cannot place`,
      hint: 'remove them first with removeIsolatedNodes from @modscope/graph (they then get label −1)',
    });
  }
  const { component, count } = connectedComponents(graph);
  if (count > k) {
    throw new InvalidArgumentError({
      argument: 'k',
      message: `the graph falls apart into ${count} connected components, more than k = ${k}; spectral clustering cannot give fewer clusters than components`,
      hint: `use k ≥ ${count}, prune less, or cluster the largest component on its own`,
    });
  }
  const { matrix, invSqrtDegree } = normalizedAdjacency(graph);
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
  const rest = k - count;
  if (rest > 0) {
    if (n <= (options.denseBelow ?? 200)) {
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
    } else {
      const result = lanczosLargest(
        { n, apply: (x, y) => spmv(matrix, x, y) },
        rest,
        { random: options.random, tol: options.tol, ncv: options.ncv, locked: columns.slice() },
      );
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
  return { n, k, embedding, eigenvalues, components: count, matvecs, converged };
}
