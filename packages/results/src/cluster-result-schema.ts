import { z } from 'zod';
import { CLUSTER_RESULT_KIND, CLUSTER_RESULT_VERSION } from './result-kinds.js';
import { count, header, label, statistic, timing } from './schema-parts.js';

const nullTest = z.object({
  n: count(1).describe('Shuffles run.'),
  mean: z.number().describe('Mean n-cut of the shuffles.'),
  std: z.number().describe('Population standard deviation of the shuffles’ n-cuts.'),
  z: statistic().describe('(n-cut − mean) / std; null where not finite (std 0 and the n-cut differs from the mean).'),
  p: z.number().describe('Left-sided p = (r + 1) / (n + 1), r = shuffles with a lower n-cut than the network.'),
  values: z.array(z.number()).describe('The n-cut of every shuffle.'),
  smallestP: z.number().optional().describe('The smallest p these shuffles allow, on either side: 1 / (n + 1). Absent in older files.'),
  verdict: z.string().describe('A sentence: more, less, or not distinguishably clusterable than these shuffles.'),
});

const clusterRow = z.object({
  label: count(0),
  size: count(0).describe('Nodes in the cluster.'),
  volume: z.number().describe('Sum of the degrees of its nodes.'),
  internal: z.number().describe('Weight inside the cluster, both directions counted: volume = internal + cut.'),
  cut: z.number().describe('Weight of the edges leaving it.'),
  conductance: z.number().describe('cut / min(volume, total volume − volume); 0 for a cluster of zero volume.'),
});

/** A test whose sample count keeps its p-values above 0.05 (`PValueFloorWarning` of `@modscope/metrics`). */
export const pValueFloorWarnings = z
  .array(
    z.object({
      test: z.string().describe('The p-values it is about, e.g. shuffle test.'),
      samples: count(1).describe('Null values each of them is computed from: shuffles, random lesions, permutations.'),
      smallestP: z.number().describe('The smallest p-value those allow: 1 / (samples + 1), or its Fisher combination.'),
      message: z.string().describe('The warning in words, as the command prints it.'),
    }),
  )
  .optional()
  .describe('Tests whose p-values cannot reach 0.05 with the samples run (empty when all can). Absent in older files.');

const edge = z.tuple([count(0), count(0), count(0), count(0), z.number()]);

/** `modscope cluster --json FILE` (`analyzeClusterability` of `@modscope/clusterability`, with kind and version). */
export const clusterResultSchema = z
  .object({
    ...header(CLUSTER_RESULT_KIND, CLUSTER_RESULT_VERSION),
    network: z.string().describe('The network’s name.'),
    view: z
      .object({
        view: z
          .enum(['residual', 'per-block'])
          .describe(
            'residual: the residual stream as one bus joined to every MLP neuron (and head); per-block: one block’s MLP, d → neurons → d.',
          ),
        attention: z.boolean().describe('Attention heads are nodes too.'),
        block: count(0).nullable().describe('The block of the per-block view; null for the residual view.'),
      })
      .optional()
      .describe('For a language model: the weight-graph view of method §9. Absent for other networks.'),
    partitioner: z.string().describe('The partitioner’s name, e.g. spectral.'),
    k: count(1).describe('Clusters found.'),
    seed: z.number(),
    prune: z.number().nullable().describe('Sparsity each layer was pruned to by magnitude first, or null.'),
    nodes: count(0).describe('Nodes clustered, after removing those of degree 0.'),
    removedNodes: count(0).describe('Nodes of degree 0, left out.'),
    edges: count(0),
    ncut: z.number().describe('n-cut = Σ cut(C) / vol(C): 0 for separate modules, about k − 1 without structure.'),
    modularity: z.number().describe('Newman modularity Q.'),
    withinClusterFraction: z.number().describe('Share of the edge weight inside clusters.'),
    layers: z
      .array(z.object({ id: z.string(), name: z.string(), units: count(1) }))
      .describe('The node layers of the weight graph, in order.'),
    labels: z.array(z.array(label())).describe('Per layer, per unit: its cluster, −1 where the node was removed.'),
    clusters: z.array(clusterRow).describe('The non-empty clusters, by label.'),
    drawing: z
      .object({
        maxEdges: count(0).describe('Edges asked for.'),
        totalEdges: count(0).describe('Edges in the graph.'),
        edges: z.array(edge).describe('[fromLayer, fromUnit, toLayer, toUnit, weight], layers as indices into `layers`.'),
      })
      .optional()
      .describe('The strongest edges, for drawing the network.'),
    eigenvalues: z.array(z.number()).optional().describe('Smallest Laplacian eigenvalues, where the partitioner reports them.'),
    nulls: z.record(z.string(), nullTest).describe('The shuffle test against each null model, by its name.'),
    warnings: pValueFloorWarnings,
    timings: z.object({ graph: timing(), partition: timing(), shuffles: timing() }).describe('Wall-clock milliseconds.'),
  })
  .superRefine((result, context) => {
    const { layers, labels, drawing } = result;
    if (labels.length !== layers.length) {
      context.addIssue({ code: 'custom', path: ['labels'], message: `has ${labels.length} entries, expected ${layers.length}` });
      return;
    }
    labels.forEach((units, i) => {
      const expected = layers[i]?.units;
      if (expected !== undefined && units.length !== expected)
        context.addIssue({ code: 'custom', path: ['labels', i], message: `has ${units.length} entries, expected ${expected}` });
    });
    drawing?.edges.forEach((e, i) => {
      if (e.length !== 5) return;
      for (const [layer, unit] of [
        [e[0], e[1]],
        [e[2], e[3]],
      ] as const) {
        const units = layers[layer]?.units;
        if (units === undefined || unit >= units) {
          context.addIssue({
            code: 'custom',
            path: ['drawing', 'edges', i],
            message: `refers to unit ${unit} of layer ${layer}, which the result's layers do not have`,
          });
          return;
        }
      }
    });
  })
  .meta({
    title: 'modscope cluster result',
    description:
      "What 'modscope cluster MODEL --json FILE' writes: the partition of the network's weight graph, its n-cut, modularity and clusters, and the shuffle test against each null model. Numbers that are not finite are written as null.",
  });

/** A `modscope/cluster` result file, version 1. */
export type ClusterResultFile = z.output<typeof clusterResultSchema>;
