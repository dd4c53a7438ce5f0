import { InvalidArgumentError } from './errors.js';
import type { UnitPartition } from './interfaces/partitioner.js';
import type { Network } from './network.js';
import { unitLayers } from './unit-layers.js';

const pkg = '@modscope/core';

/** The units of one cluster within one hidden layer (method §5): what lesion sweeps and module pruning act on. */
export interface Subcluster {
  /** Id of the dense or conv2d layer that owns the units. */
  layer: string;
  cluster: number;
  units: Int32Array;
  /** Units of the layer that the partition kept (label ≥ 0): the pool random lesions draw from. */
  pool: Int32Array;
  layerUnits: number;
}

export interface SubclusterOptions {
  /** Smallest sub-cluster tested (default 3: "more than 2 units"). */
  minSize?: number;
  /** Sub-clusters covering at least this fraction of the layer's units are skipped (default 0.99). */
  maxFraction?: number;
}

export const SUBCLUSTER_DEFAULTS: Required<SubclusterOptions> = Object.freeze({ minSize: 3, maxFraction: 0.99 });

/**
 * Splits a partition of a network's units into sub-clusters, cluster ∩ hidden layer, keeping those with
 * at least `minSize` units and less than `maxFraction` of the layer. Throws when the partition does not
 * fit the model (unknown layer, wrong unit count).
 */
export function subclusters(network: Network, partition: UnitPartition, options: SubclusterOptions = {}): Subcluster[] {
  const { minSize, maxFraction } = { ...SUBCLUSTER_DEFAULTS, ...options };
  const layers = new Map(unitLayers(network).map((u) => [u.layer, u]));
  // the input layer's units are nodes of the weight graph but never lesioned; its id is the model's own
  // ('input' for ONNX, e.g. 'dense_1_input' for TF.js)
  const inputs = new Set(network.layers.filter((l) => l.kind === 'input').map((l) => l.id));
  const result: Subcluster[] = [];
  for (const { layer, labels } of partition.layers) {
    if (inputs.has(layer)) continue;
    const unit = layers.get(layer);
    if (!unit) {
      throw new InvalidArgumentError({
        argument: 'partition',
        message: `${pkg}: the partition names layer '${layer}', which model '${network.name}' does not have as a dense or conv2d layer.`,
        hint: 'The partition does not match the model: cluster this model (modscope cluster --json) and pass that result.',
      });
    }
    if (labels.length !== unit.units) {
      throw new InvalidArgumentError({
        argument: 'partition',
        message: `${pkg}: the partition has ${labels.length} labels for layer '${layer}', which has ${unit.units} units.`,
        hint: 'The partition does not match the model: cluster this model (modscope cluster --json) and pass that result.',
      });
    }
    if (!unit.hidden) continue;
    const members = new Map<number, number[]>();
    const pool: number[] = [];
    labels.forEach((label, u) => {
      if (label < 0) return;
      pool.push(u);
      members.set(label, [...(members.get(label) ?? []), u]);
    });
    for (const [cluster, units] of [...members].sort((a, b) => a[0] - b[0])) {
      if (units.length < minSize || units.length >= maxFraction * unit.units) continue;
      result.push({ layer, cluster, units: Int32Array.from(units), pool: Int32Array.from(pool), layerUnits: unit.units });
    }
  }
  return result;
}
