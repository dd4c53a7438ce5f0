export {
  analyzeClusterability,
  verdict,
  type ClusterabilityOptions,
  type ClusterabilityResult,
  type LanguageModelView,
  type NullResult,
  type WeightGraphDrawing,
} from './analyze.js';
export { CLUSTER_DRAWING_EDGES, type ClusterRun, runCluster } from './run-cluster.js';
export { defaultShuffleWorkers, shuffleTest, type ShuffleQueueOptions, type ShuffleTestOptions } from './shuffle-test.js';
export { SHUFFLE_PIECE, shuffleHandlers, type ShuffleHandlerOptions } from './shuffle-queue.js';
export { runShuffle, shuffleStream, type ShuffleSettings } from './shuffle-task.js';
export { isPartitioner, loadPartitioner, type PartitionerSpec } from './partitioner-spec.js';
export { findPartitionerSpec, type FindPartitionerSpecOptions } from './find-partitioner-spec.js';
