import type { ResultReader } from './result-reader.js';

/** A null model's shuffle test, as `modscope cluster --json` writes it. z and p are NaN where written as null. */
export interface NullTest {
  n: number;
  mean: number;
  std: number;
  z: number;
  p: number;
  values: number[];
  verdict: string;
}

export interface ClusterRow {
  label: number;
  size: number;
  volume: number;
  /** Weight inside the cluster, both directions counted; derived as volume − cut when absent. */
  internal: number;
  cut: number;
  conductance: number;
}

/** `modscope cluster --json` (kind `modscope/cluster`, version 1): the fields the report uses. */
export interface ClusterResult {
  kind: 'modscope/cluster';
  version: 1;
  network: string;
  partitioner: string;
  k: number;
  prune: number | null;
  nodes: number;
  removedNodes: number;
  edges: number;
  ncut: number;
  modularity: number;
  withinClusterFraction: number;
  layers: { id: string; name: string; units: number }[];
  labels: number[][];
  clusters: ClusterRow[];
  nulls: Record<string, NullTest>;
  /** The strongest edges, `[fromLayer, fromUnit, toLayer, toUnit, weight]`. */
  drawing?: { maxEdges: number; totalEdges: number; edges: [number, number, number, number, number][] };
}

export function readClusterResult(r: ResultReader, value: unknown): ClusterResult {
  const o = r.object(value, '');
  const layers = r.array(o.layers, 'layers').map((l, i) => {
    const layer = r.object(l, `layers[${i}]`);
    return {
      id: r.string(layer.id, `layers[${i}].id`),
      name: r.string(layer.name ?? layer.id, `layers[${i}].name`),
      units: r.integer(layer.units, `layers[${i}].units`, 1),
    };
  });
  const labels = r
    .array(o.labels, 'labels', layers.length)
    .map((l, i) => r.array(l, `labels[${i}]`, layers[i]!.units).map((x, u) => r.integer(x, `labels[${i}][${u}]`, -1)));
  const clusters = r.array(o.clusters, 'clusters').map((c, i) => {
    const row = r.object(c, `clusters[${i}]`);
    const at = (f: string) => `clusters[${i}].${f}`;
    const volume = r.number(row.volume, at('volume'));
    const cut = r.number(row.cut, at('cut'));
    return {
      label: r.integer(row.label, at('label')),
      size: r.integer(row.size, at('size')),
      volume,
      internal: row.internal === undefined ? volume - cut : r.number(row.internal, at('internal')),
      cut,
      conductance: r.numberOrNull(row.conductance, at('conductance')),
    };
  });
  const nulls: Record<string, NullTest> = {};
  for (const [name, v] of Object.entries(r.object(o.nulls ?? {}, 'nulls'))) {
    const t = r.object(v, `nulls.${name}`);
    const at = (f: string) => `nulls.${name}.${f}`;
    nulls[name] = {
      n: r.integer(t.n, at('n'), 1),
      mean: r.number(t.mean, at('mean')),
      std: r.number(t.std, at('std')),
      z: r.numberOrNull(t.z, at('z')),
      p: r.number(t.p, at('p')),
      values: r.numbers(t.values, at('values')),
      verdict: r.string(t.verdict ?? '', at('verdict')),
    };
  }
  const drawing = r.optional(o.drawing, (d) => {
    const obj = r.object(d, 'drawing');
    const edges = r.array(obj.edges, 'drawing.edges').map((e, i) => {
      const [fromLayer, fromUnit, toLayer, toUnit, weight] = r.numbers(e, `drawing.edges[${i}]`, 5) as [
        number,
        number,
        number,
        number,
        number,
      ];
      for (const [layer, unit] of [
        [fromLayer, fromUnit],
        [toLayer, toUnit],
      ] as const) {
        const units = layers[layer]?.units;
        if (units === undefined || !Number.isInteger(unit) || unit < 0 || unit >= units)
          r.fail(`drawing.edges[${i}]`, `refers to unit ${unit} of layer ${layer}, which the result's layers do not have`);
      }
      return [fromLayer, fromUnit, toLayer, toUnit, weight] as [number, number, number, number, number];
    });
    return {
      maxEdges: r.integer(obj.maxEdges ?? edges.length, 'drawing.maxEdges'),
      totalEdges: r.integer(obj.totalEdges ?? edges.length, 'drawing.totalEdges'),
      edges,
    };
  });
  return {
    kind: 'modscope/cluster',
    version: 1,
    network: r.string(o.network, 'network'),
    partitioner: r.string(o.partitioner ?? 'spectral', 'partitioner'),
    k: r.integer(o.k, 'k', 1),
    prune: o.prune === null || o.prune === undefined ? null : r.number(o.prune, 'prune'),
    nodes: r.integer(o.nodes, 'nodes'),
    removedNodes: r.integer(o.removedNodes ?? 0, 'removedNodes'),
    edges: r.integer(o.edges, 'edges'),
    ncut: r.number(o.ncut, 'ncut'),
    modularity: r.numberOrNull(o.modularity, 'modularity'),
    withinClusterFraction: r.numberOrNull(o.withinClusterFraction, 'withinClusterFraction'),
    layers,
    labels,
    clusters,
    nulls,
    ...(drawing ? { drawing } : {}),
  };
}
