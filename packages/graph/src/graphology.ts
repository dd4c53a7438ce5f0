import type { SparseGraph } from '@modscope/core';
import { UndirectedGraph } from 'graphology';
import type { WeightGraph } from './weight-graph.js';

/** Attributes of a node of the converted graph. */
export interface GraphologyNodeAttributes {
  /** The node's index in the CSR graph (also its key, as a string). */
  index: number;
  /** Name of the network layer the node belongs to (weight graphs only). */
  layer?: string;
  /** Id of that layer (weight graphs only). */
  layerId?: string;
  /** Unit (or channel) within that layer (weight graphs only). */
  unit?: number;
  /** Index in the weight graph as first built, before node removal (weight graphs only). */
  originalIndex?: number;
  /** Cluster label, when `labels` were given. */
  cluster?: number;
}

export interface GraphologyEdgeAttributes {
  weight: number;
}

export interface ToGraphologyOptions {
  /** A label per node, written as the `cluster` attribute (e.g. `partition.labels`). */
  labels?: Int32Array;
}

/**
 * A CSR graph (or a network's weight graph) as a graphology undirected graph, for graphology's algorithms
 * and exporters (GEXF, GraphML, sigma.js). Node keys are the node indices as strings; every undirected edge
 * appears once with its `weight`. Weight graphs add each node's `layer`, `layerId`, `unit` and `originalIndex`.
 */
export function toGraphology(
  graph: SparseGraph | WeightGraph,
  options: ToGraphologyOptions = {},
): UndirectedGraph<GraphologyNodeAttributes, GraphologyEdgeAttributes> {
  const { labels } = options;
  if (labels && labels.length !== graph.nodeCount)
    throw new RangeError(`@modscope/graph: ${labels.length} labels for a graph of ${graph.nodeCount} nodes; pass one label per node.`);
  const weightGraph = isWeightGraph(graph) ? graph : undefined;
  const out = new UndirectedGraph<GraphologyNodeAttributes, GraphologyEdgeAttributes>();
  for (let i = 0; i < graph.nodeCount; i++) {
    const attributes: GraphologyNodeAttributes = { index: i };
    if (weightGraph) {
      const layer = weightGraph.layers[weightGraph.nodeLayer[i]!]!;
      attributes.layer = layer.name;
      attributes.layerId = layer.id;
      attributes.unit = weightGraph.nodeUnit[i]!;
      attributes.originalIndex = weightGraph.originalIndex[i]!;
    }
    if (labels) attributes.cluster = labels[i]!;
    out.addNode(String(i), attributes);
  }
  for (let i = 0; i < graph.nodeCount; i++)
    for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) {
      const j = graph.indices[p]!;
      if (j > i) out.addEdge(String(i), String(j), { weight: graph.weights[p]! });
    }
  return out;
}

function isWeightGraph(graph: SparseGraph | WeightGraph): graph is WeightGraph {
  return 'layers' in graph && 'nodeLayer' in graph && 'nodeUnit' in graph && 'originalIndex' in graph;
}
