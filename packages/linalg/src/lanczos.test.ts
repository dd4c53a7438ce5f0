import { createRandom, ModscopeError } from '@modscope/core';
import { graphFromEdges, plantedPartitionGraph } from '@modscope/core/testing';
import { describe, expect, it } from 'vitest';
import { connectedComponents, graphDegrees, normalizedAdjacency, spmv } from './csr.js';
import { denseSymmetricEigen, lanczosLargest } from './lanczos.js';
import { bipartiteColouring, spectralEmbedding } from './spectral-embedding.js';

function denseOf(graph: ReturnType<typeof plantedPartitionGraph>['graph']): Float64Array {
  const { matrix } = normalizedAdjacency(graph);
  const n = matrix.n;
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let p = matrix.indptr[i]!; p < matrix.indptr[i + 1]!; p++) dense[i * n + matrix.indices[p]!] = matrix.values[p]!;
  return dense;
}

describe('denseSymmetricEigen', () => {
  it('decomposes a 3×3 matrix with known eigenvalues, largest first', () => {
    // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 5, 3, 1
    const { values, vectors } = denseSymmetricEigen(new Float64Array([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    expect([...values].map((v) => +v.toFixed(10))).toEqual([5, 3, 1]);
    expect(Math.abs(vectors[2]!)).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[3]!)).toBeCloseTo(Math.SQRT1_2, 10);
  });
});

describe('lanczosLargest', () => {
  const { graph } = plantedPartitionGraph({ blocks: 6, size: 60, pIn: 0.2, pOut: 0.02, seed: 3 });
  const { matrix } = normalizedAdjacency(graph);
  const n = matrix.n;
  const op = { n, apply: (x: Float64Array, y: Float64Array) => spmv(matrix, x, y) };

  it('matches a dense decomposition on a 360-node graph', () => {
    const dense = denseSymmetricEigen(denseOf(graph), n);
    const result = lanczosLargest(op, 8, { random: createRandom(1), tol: 1e-10 });
    expect(result.converged).toBe(true);
    for (let c = 0; c < 8; c++) expect(result.values[c]!).toBeCloseTo(dense.values[c]!, 8);
    // residuals are real: ‖M·x − θ·x‖ small for every returned vector, and the vectors are orthonormal
    const y = new Float64Array(n);
    for (let c = 0; c < 8; c++) {
      const x = result.vectors.subarray(c * n, (c + 1) * n);
      spmv(matrix, x, y);
      let r = 0;
      for (let i = 0; i < n; i++) r += (y[i]! - result.values[c]! * x[i]!) ** 2;
      expect(Math.sqrt(r)).toBeLessThan(1e-8);
      for (let c2 = 0; c2 <= c; c2++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x[i]! * result.vectors[c2 * n + i]!;
        expect(dot).toBeCloseTo(c2 === c ? 1 : 0, 8);
      }
    }
  });

  it('restarts when the basis is small and still converges to the same values', () => {
    const wide = lanczosLargest(op, 6, { random: createRandom(2), tol: 1e-9, ncv: 60 });
    const narrow = lanczosLargest(op, 6, { random: createRandom(2), tol: 1e-9, ncv: 10 });
    expect(narrow.restarts).toBeGreaterThan(0);
    for (let c = 0; c < 6; c++) expect(narrow.values[c]!).toBeCloseTo(wide.values[c]!, 8);
  });

  it('gives the same result bit for bit with its vector work in WebAssembly and in JavaScript, locked vectors included', () => {
    const [u] = [new Float64Array(n).fill(1 / Math.sqrt(n))];
    for (const locked of [[], [u]]) {
      const viaWasm = lanczosLargest(op, 5, { random: createRandom(6), ncv: 13, locked });
      const viaJs = lanczosLargest(op, 5, { random: createRandom(6), ncv: 13, locked, wasm: false });
      expect(viaWasm.restarts).toBeGreaterThan(0);
      expect([...viaWasm.values]).toEqual([...viaJs.values]);
      expect([...viaWasm.vectors]).toEqual([...viaJs.vectors]);
    }
  });

  it('is deterministic for a seed', () => {
    const a = lanczosLargest(op, 4, { random: createRandom(9) });
    const b = lanczosLargest(op, 4, { random: createRandom(9) });
    expect([...a.vectors]).toEqual([...b.vectors]);
  });

  it('refuses more eigenpairs than room', () => {
    expect(() => lanczosLargest(op, n + 1, { random: createRandom(0) })).toThrow(/cannot find/);
  });
});

describe('spectralEmbedding', () => {
  it('gives the k smallest Laplacian eigenvalues, the trivial 0 first, on sparse and dense paths alike', () => {
    const { graph } = plantedPartitionGraph({ blocks: 5, size: 50, pIn: 0.3, pOut: 0.02, seed: 4 });
    const sparse = spectralEmbedding(graph, 6, { random: createRandom(0), denseBelow: 0, tol: 1e-10 });
    const dense = spectralEmbedding(graph, 6, { random: createRandom(0), denseBelow: 1000 });
    expect(sparse.matvecs).toBeGreaterThan(0);
    expect(dense.matvecs).toBe(0);
    expect(sparse.eigenvalues[0]).toBe(0);
    for (let c = 0; c < 6; c++) expect(sparse.eigenvalues[c]!).toBeCloseTo(dense.eigenvalues[c]!, 8);
    // a planted 5-block graph: 5 small eigenvalues, then a gap
    expect(sparse.eigenvalues[4]!).toBeLessThan(0.5 * sparse.eigenvalues[5]!);
  });

  it('puts each connected component in exactly', () => {
    // two triangles and an edge: 3 components
    const g = graphFromEdges(8, [
      [0, 1, 1],
      [1, 2, 1],
      [0, 2, 1],
      [3, 4, 2],
      [4, 5, 1],
      [3, 5, 1],
      [6, 7, 1],
    ]);
    expect(connectedComponents(g).count).toBe(3);
    const e = spectralEmbedding(g, 3, { random: createRandom(0) });
    expect([...e.eigenvalues]).toEqual([0, 0, 0]);
    // rows of one component coincide (after the degree scaling), rows of different ones do not
    const row = (i: number) => [...e.embedding.subarray(i * 3, i * 3 + 3)].map((v) => +v.toFixed(12));
    expect(row(0)).toEqual(row(1));
    expect(row(3)).toEqual(row(5));
    expect(row(0)).not.toEqual(row(3));
    expect(row(6)).not.toEqual(row(3));
  });

  it('refuses more components than k, degree-0 nodes, NaN weights and k out of range, saying what to do', () => {
    const g = graphFromEdges(6, [
      [0, 1, 1],
      [2, 3, 1],
      [4, 5, 1],
    ]);
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(ModscopeError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('did not throw');
    };
    expect(attempt(() => spectralEmbedding(g, 2, { random: createRandom(0) }))).toMatch(/3 connected components, more than k = 2.*k ≥ 3/s);
    const isolated = graphFromEdges(3, [[0, 1, 1]]);
    expect(attempt(() => spectralEmbedding(isolated, 2, { random: createRandom(0) }))).toMatch(/1 node of degree 0.*removeIsolatedNodes/s);
    const nan = graphFromEdges(3, [
      [0, 1, 1],
      [1, 2, Number.NaN],
    ]);
    expect(attempt(() => spectralEmbedding(nan, 2, { random: createRandom(0) }))).toMatch(/weight NaN/);
    expect(attempt(() => spectralEmbedding(g, 7, { random: createRandom(0) }))).toMatch(/k = 7 clusters asked for a graph of 6 nodes/);
  });
});

/** A random layered (hence bipartite) graph: consecutive layers joined with probability p, plus a separate small chain. */
function layeredGraph(sizes: number[], p: number, seed: number, extraChain = 0) {
  const rng = createRandom(seed);
  const edges: [number, number, number][] = [];
  const starts: number[] = [];
  let total = 0;
  for (const s of sizes) {
    starts.push(total);
    total += s;
  }
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let a = 0; a < sizes[l]!; a++) {
      // one guaranteed edge keeps every node connected
      edges.push([starts[l]! + a, starts[l + 1]! + (a % sizes[l + 1]!), 0.5 + rng.next()]);
      for (let b = 0; b < sizes[l + 1]!; b++)
        if (b !== a % sizes[l + 1]! && rng.next() < p) edges.push([starts[l]! + a, starts[l + 1]! + b, 0.1 + rng.next()]);
    }
  }
  for (let c = 0; c + 1 < extraChain; c++) edges.push([total + c, total + c + 1, 1 + c]);
  for (let b = 0; b < sizes[sizes.length - 1]!; b++)
    if (b >= sizes[sizes.length - 2]!) edges.push([starts[sizes.length - 2]!, starts[sizes.length - 1]! + b, 0.3]);
  return graphFromEdges(total + extraChain, edges);
}

/** ‖XᵀY‖²_F for the degree-weighted embeddings: k when both span the same subspace. */
function subspaceOverlap(graph: ReturnType<typeof graphFromEdges>, a: Float64Array, b: Float64Array, k: number): number {
  const deg = graphDegrees(graph);
  let total = 0;
  for (let c = 0; c < k; c++) {
    for (let c2 = 0; c2 < k; c2++) {
      let s = 0;
      for (let i = 0; i < graph.nodeCount; i++) s += deg[i]! * a[i * k + c]! * b[i * k + c2]!;
      total += s * s;
    }
  }
  return total;
}

describe('spectralEmbedding on bipartite graphs', () => {
  it('detects bipartite graphs by 2-colouring and refuses odd cycles', () => {
    expect(
      bipartiteColouring(
        graphFromEdges(4, [
          [0, 1, 1],
          [1, 2, 1],
          [2, 3, 1],
          [3, 0, 1],
        ]),
      ),
    ).not.toBeNull();
    expect(
      bipartiteColouring(
        graphFromEdges(3, [
          [0, 1, 1],
          [1, 2, 1],
          [2, 0, 1],
        ]),
      ),
    ).toBeNull();
    // an edge of weight 0 does not count
    expect(
      bipartiteColouring(
        graphFromEdges(3, [
          [0, 1, 1],
          [1, 2, 1],
          [2, 0, 0],
        ]),
      ),
    ).not.toBeNull();
  });

  it("gives the general path's eigenvalues and subspace through the singular values of B", () => {
    const graph = layeredGraph([70, 50, 60, 40], 0.08, 5);
    const k = 8;
    const fast = spectralEmbedding(graph, k, { random: createRandom(1), denseBelow: 0, tol: 1e-10 });
    const general = spectralEmbedding(graph, k, { random: createRandom(1), denseBelow: 0, tol: 1e-10, bipartite: false });
    const dense = spectralEmbedding(graph, k, { random: createRandom(1), denseBelow: 1000 });
    expect(fast.bipartite).toBe(true);
    expect(general.bipartite).toBe(false);
    expect(fast.converged).toBe(true);
    expect(fast.matvecs).toBeGreaterThan(0);
    for (let c = 0; c < k; c++) {
      expect(Math.abs(fast.eigenvalues[c]! - general.eigenvalues[c]!)).toBeLessThan(1e-8);
      expect(Math.abs(fast.eigenvalues[c]! - dense.eigenvalues[c]!)).toBeLessThan(1e-8);
    }
    expect(subspaceOverlap(graph, fast.embedding, general.embedding, k)).toBeCloseTo(k, 6);
    // the degree-weighted columns are orthonormal
    expect(subspaceOverlap(graph, fast.embedding, fast.embedding, k)).toBeCloseTo(k, 8);
  });

  it('locks each component on the bipartite path too', () => {
    const graph = layeredGraph([60, 50, 70], 0.1, 8, 6);
    expect(connectedComponents(graph).count).toBe(2);
    const k = 6;
    const fast = spectralEmbedding(graph, k, { random: createRandom(2), denseBelow: 0, tol: 1e-10 });
    const general = spectralEmbedding(graph, k, { random: createRandom(2), denseBelow: 0, tol: 1e-10, bipartite: false });
    expect(fast.bipartite).toBe(true);
    expect(fast.components).toBe(2);
    expect([...fast.eigenvalues.subarray(0, 2)]).toEqual([0, 0]);
    for (let c = 0; c < k; c++) expect(Math.abs(fast.eigenvalues[c]! - general.eigenvalues[c]!)).toBeLessThan(1e-8);
    expect(subspaceOverlap(graph, fast.embedding, general.embedding, k)).toBeCloseTo(k, 6);
  });

  it('gives the same spectrum and subspace with the JavaScript products as with the WebAssembly ones', () => {
    // dense layers (long runs) and sparse ones (short runs), bipartite and general paths
    for (const [density, bipartite] of [
      [0.9, true],
      [0.08, true],
      [0.9, false],
    ] as const) {
      const graph = layeredGraph([50, 40, 30], density, 9);
      const k = 6;
      const viaWasm = spectralEmbedding(graph, k, { random: createRandom(4), denseBelow: 0, tol: 1e-10, bipartite });
      const viaJs = spectralEmbedding(graph, k, { random: createRandom(4), denseBelow: 0, tol: 1e-10, bipartite, wasm: false });
      expect(viaWasm.bipartite).toBe(bipartite);
      for (let c = 0; c < k; c++) expect(Math.abs(viaWasm.eigenvalues[c]! - viaJs.eigenvalues[c]!)).toBeLessThan(1e-9);
      expect(subspaceOverlap(graph, viaWasm.embedding, viaJs.embedding, k)).toBeCloseTo(k, 6);
    }
  });

  it('uses the general path for a graph with odd cycles', () => {
    const { graph } = plantedPartitionGraph({ blocks: 4, size: 60, pIn: 0.2, pOut: 0.02, seed: 6 });
    const e = spectralEmbedding(graph, 5, { random: createRandom(0), denseBelow: 0 });
    expect(e.bipartite).toBe(false);
    expect(e.converged).toBe(true);
  });
});
