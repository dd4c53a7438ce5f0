/**
 * An undirected weighted graph in compressed sparse row form. Symmetric: every edge is stored in both
 * rows. No self-loops. Node ids are 0..nodeCount−1.
 */
export interface SparseGraph {
  nodeCount: number;
  /** `nodeCount + 1` offsets into `indices`/`weights`. */
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float64Array;
}

/** A label per node in 0..k−1 (−1 where a node was left out). */
export interface Partition {
  labels: Int32Array;
  k: number;
}

export interface PartitionOptions {
  /** Number of clusters asked for (partitioners that choose their own count may ignore it). */
  k: number;
  /** Seed of every random choice; same seed, same labels. */
  seed?: number;
  signal?: AbortSignal;
}

export interface Partitioner {
  readonly specificationVersion: 'v1';
  readonly name: string;
  partition(graph: SparseGraph, options: PartitionOptions): Promise<Partition>;
}

/**
 * A partition of a network's units, layer by layer: `labels[u]` is unit u's cluster in 0..k−1, or −1 where
 * the unit was left out (removed as degree 0, or dropped for zero variance). Layers are named by the id of
 * the dense or conv2d layer that owns the units; the input layer is named `input`.
 */
export interface UnitPartition {
  k: number;
  layers: { layer: string; labels: Int32Array }[];
}
