export { buildWeightGraph, WEIGHT_GRAPH_DEFAULTS, type WeightGraphOptions } from './build-weight-graph.js';
export { buildLanguageModelGraph, type LanguageModelGraph, type LanguageModelGraphOptions } from './language-model-graph.js';
export { removeIsolatedNodes, expandLabels } from './remove-isolated-nodes.js';
export { CsrBuilder } from './csr-builder.js';
export { degrees, edgeCount, type NodeLayer, type WeightGraph } from './weight-graph.js';
export { magnitudePrune, layerSparsity, type MagnitudePruneOptions } from './magnitude-prune.js';
export {
  shuffleWeightGraph,
  weightGraphShuffler,
  isNullModel,
  NULL_MODELS,
  type NullModel,
  type WeightGraphShuffler,
} from './shuffle-graph.js';
