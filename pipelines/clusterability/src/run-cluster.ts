import type { Network } from '@modscope/core';
import type { ClusterResultFile } from '@modscope/results';
import { CLUSTER_RESULT_KIND, CLUSTER_RESULT_VERSION } from '@modscope/results/format';
import { analyzeClusterability, type ClusterabilityOptions, type ClusterabilityResult } from './analyze.js';

/** Edges kept for drawing the network in a report (`drawing`) when `runCluster` is not told otherwise. */
export const CLUSTER_DRAWING_EDGES = 3000;

/** What `modscope cluster --json` writes: the analysis with its kind and version (`ClusterResultFile`). */
export type ClusterRun = { kind: typeof CLUSTER_RESULT_KIND; version: typeof CLUSTER_RESULT_VERSION } & ClusterabilityResult;

/**
 * The clusterability analysis as a results file (what `modscope cluster` runs): `analyzeClusterability`
 * with a drawing of `CLUSTER_DRAWING_EDGES` edges for the report, stamped with the cluster result's kind
 * and version so `modscope report` and `--partition FILE` can check what they read.
 */
export async function runCluster(network: Network, options: ClusterabilityOptions): Promise<ClusterRun> {
  const result = await analyzeClusterability(network, { drawingEdges: CLUSTER_DRAWING_EDGES, ...options });
  return { kind: CLUSTER_RESULT_KIND, version: CLUSTER_RESULT_VERSION, ...result } satisfies ClusterResultFile;
}
