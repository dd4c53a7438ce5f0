import * as tf from '@tensorflow/tfjs';
import { createRandom, InvalidArgumentError, type Network, type Random } from '@modscope/core';
import { connectedComponents, spectralEmbedding } from '@modscope/linalg';
import type { Params } from './forward-pass.js';
import { blockWeights, layoutGraph, spectralLayout, type SpectralLayout } from './spectral-layout.js';
import { weightedById } from './weight-links.js';

export interface SpectralRegularizerOptions {
  /** (number ≥ 0, default 0.1) — λ, the weight of the penalty. */
  lambda?: number;
  /** (integer ≥ 1, default 3) — m: the penalty sums the 2nd … (m+1)-th smallest eigenvalues. */
  m?: number;
  /** (integer ≥ 1, default 10) — steps between recomputations of the eigenvectors. */
  every?: number;
}

const pkg = '@modscope/train';
const SQRT2 = Math.SQRT2;

export function checkSpectralOptions(options: SpectralRegularizerOptions): Required<SpectralRegularizerOptions> {
  const lambda = options.lambda ?? 0.1;
  const m = options.m ?? 3;
  const every = options.every ?? 10;
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new InvalidArgumentError({
      argument: 'spectralRegularizer.lambda',
      message: `${pkg}: spectral regularizer λ must be a finite number ≥ 0, got ${lambda}.`,
    });
  if (!Number.isInteger(m) || m < 1)
    throw new InvalidArgumentError({
      argument: 'spectralRegularizer.m',
      message: `${pkg}: spectral regularizer m must be a positive integer, got ${m}.`,
    });
  if (!Number.isInteger(every) || every < 1)
    throw new InvalidArgumentError({
      argument: 'spectralRegularizer.every',
      message: `${pkg}: spectral regularizer every must be a positive integer (steps), got ${every}.`,
    });
  return { lambda, m, every };
}

/** Eigenvectors v (unit norm, in layout node order) of the 2nd … (m+1)-th smallest eigenvalues, or null. */
export interface SpectralVectors {
  /** Per node layer, `units × m` values (row-major). Degree-0 nodes get 0. */
  vectors: Float32Array[];
  /** The m + 1 smallest eigenvalues, ascending (the trivial one first). */
  eigenvalues: Float64Array;
}

function kernelsOf(network: Network, layout: SpectralLayout, kernels?: ReadonlyMap<string, Float32Array>): Float64Array[] {
  const byId = weightedById(network);
  return layout.blocks.map((b) => {
    const layer = byId.get(b.layer)!;
    return blockWeights(layer, kernels?.get(b.layer) ?? layer.kernel);
  });
}

/**
 * The m + 1 smallest eigenvalues of the normalized Laplacian of the layout's graph and the eigenvectors of
 * the 2nd … (m+1)-th, from the sparse eigensolver of `@modscope/linalg`. Null vectors where the graph has
 * more than m + 1 connected components: those eigenvalues are then all 0 and so is the penalty.
 */
export function spectralVectors(
  network: Network,
  layout: SpectralLayout,
  m: number,
  random: Random,
  kernels?: ReadonlyMap<string, Float32Array>,
): SpectralVectors | null {
  const { graph, keep, degrees } = layoutGraph(layout, kernelsOf(network, layout, kernels));
  const k = m + 1;
  if (graph.nodeCount < k) return null;
  if (connectedComponents(graph).count > k) return null;
  const result = spectralEmbedding(graph, k, { random });
  const vectors = layout.nodeLayers.map((n) => new Float32Array(n.units * m));
  const layerOf = new Int32Array(layout.nodeCount);
  layout.nodeLayers.forEach((n, l) => {
    layerOf.fill(l, n.offset, n.offset + n.units);
  });
  for (let g = 0; g < keep.length; g++) {
    const node = keep[g]!;
    const l = layerOf[node]!;
    const unit = node - layout.nodeLayers[l]!.offset;
    const scale = Math.sqrt(degrees[node]!);
    // the embedding rows are divided by sqrt(degree); multiply back to get the eigenvectors of L
    for (let c = 1; c < k; c++) vectors[l]![unit * m + c - 1] = result.embedding[g * k + c]! * scale;
  }
  return { vectors, eigenvalues: result.eigenvalues };
}

/**
 * The smallest `count` eigenvalues (ascending, the trivial 0 first) of the normalized Laplacian of a chain
 * network's weight graph, as the spectral regularizer sees it: every unit and |W| edges for MLPs, conv
 * channels and kernel-slice L1 norms for CNNs, degree-0 nodes left out.
 */
export function weightGraphEigenvalues(network: Network, options: { count?: number; seed?: number } = {}): Float64Array {
  const count = options.count ?? 4;
  const layout = spectralLayout(network);
  const { graph } = layoutGraph(layout, kernelsOf(network, layout));
  if (!Number.isInteger(count) || count < 1 || count > graph.nodeCount) {
    throw new InvalidArgumentError({
      argument: 'count',
      message: `${pkg}: asked for ${count} eigenvalues of a graph of ${graph.nodeCount} nodes.`,
    });
  }
  const components = connectedComponents(graph).count;
  if (components >= count) return new Float64Array(count);
  return spectralEmbedding(graph, count, { random: createRandom(options.seed ?? 0) }).eigenvalues;
}

/** Edge-weight block of a kernel variable, differentiable: |W|, or Σ over taps of |K| for conv. */
function blockTensor(kind: 'dense' | 'conv2d', kernel: tf.Tensor): tf.Tensor2D {
  return (kind === 'dense' ? tf.abs(kernel) : tf.sum(tf.abs(kernel), [0, 1])) as tf.Tensor2D;
}

/**
 * The differentiable surrogate of (λ/m) Σ λ_i, i = 2 … m+1: with the eigenvectors v_i of the last
 * recomputation held fixed, Σ v_iᵀ L(W) v_i, where L(W) = I − D^(−1/2) |W| D^(−1/2) is built from the
 * current weights (degrees included). Its gradient at the weights where the v_i were computed is exactly
 * that of the eigenvalue sum (dλ = vᵀ dL v for a simple eigenvalue).
 */
export function spectralPenalty(
  layout: SpectralLayout,
  params: Params,
  vectors: readonly tf.Tensor2D[],
  lambda: number,
  m: number,
): tf.Scalar {
  const blocks = layout.blocks.map((b) => blockTensor(b.kind, params.weights.get(b.layer)!.kernel));
  const degree: (tf.Tensor1D | null)[] = layout.nodeLayers.map(() => null);
  const addTo = (l: number, t: tf.Tensor1D) => {
    const current = degree[l];
    degree[l] = current ? (tf.add(current, t) as tf.Tensor1D) : t;
  };
  layout.blocks.forEach((b, i) => {
    addTo(b.from, tf.sum(blocks[i]!, 1));
    addTo(b.to, tf.sum(blocks[i]!, 0));
  });
  const u = layout.nodeLayers.map((n, l) => {
    const d = degree[l] ?? tf.zeros([n.units]);
    return tf.mul(vectors[l]!, tf.expandDims(tf.rsqrt(tf.add(d, 1e-12)), 1));
  });
  let quad: tf.Scalar = tf.scalar(0);
  layout.blocks.forEach((b, i) => {
    quad = tf.add(quad, tf.sum(tf.mul(u[b.from]!, tf.matMul(blocks[i]!, u[b.to]!))));
  });
  // vᵀLv = ‖v‖² − vᵀ D^(−1/2) A D^(−1/2) v, and A holds every block twice (A + Aᵀ)
  return tf.mul(lambda / m, tf.sub(m, tf.mul(2, quad)));
}

/**
 * The per-unit weight normalization of the spectral regularizer (method §7), in place on the variables:
 * each normalized unit's incoming weights and bias are scaled to L2 norm √2 and its outgoing weights scaled
 * up to match, so a ReLU network computes the same function. Units with no incoming weight are left alone.
 */
export function normalizeParams(network: Network, layout: SpectralLayout, params: Params, rows: ReadonlyMap<string, tf.Tensor1D>): void {
  const byId = weightedById(network);
  tf.tidy(() => {
    for (const { layer: id, consumers } of layout.normalized) {
      const layer = byId.get(id)!;
      const p = params.weights.get(id)!;
      const axes = layer.kind === 'dense' ? [0] : [0, 1, 2];
      let squares = tf.sum(tf.square(p.kernel), axes) as tf.Tensor1D;
      if (p.bias) squares = tf.add(squares, tf.square(p.bias));
      const norm = tf.sqrt(squares);
      const positive = tf.greater(norm, 0);
      const scale = tf.where(positive, tf.div(SQRT2, tf.maximum(norm, 1e-30)), tf.onesLike(norm)) as tf.Tensor1D;
      const inverse = tf.div(1, scale) as tf.Tensor1D;
      p.kernel.assign(tf.mul(p.kernel, scale));
      if (p.bias) p.bias.assign(tf.mul(p.bias, scale));
      for (const link of consumers) {
        const next = params.weights.get(link.layer)!;
        if (link.kind === 'dense') {
          const r = rows.get(link.layer)!;
          next.kernel.assign(tf.mul(next.kernel, tf.expandDims(tf.gather(inverse, r), 1)));
        } else {
          next.kernel.assign(tf.mul(next.kernel, tf.reshape(inverse, [1, 1, layer.units, 1])));
        }
      }
    }
  });
}

/** The row → unit maps of the normalized layers' consumers, as int32 tensors (to be disposed). */
export function consumerRows(layout: SpectralLayout): Map<string, tf.Tensor1D> {
  const rows = new Map<string, tf.Tensor1D>();
  for (const { consumers } of layout.normalized) for (const c of consumers) rows.set(c.layer, tf.tensor1d(c.rows, 'int32'));
  return rows;
}
