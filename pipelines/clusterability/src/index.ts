export { analyzeClusterability, verdict, type ClusterabilityOptions, type ClusterabilityResult, type NullResult } from './analyze.js';
export { shuffleTest, type ShuffleTestOptions } from './shuffle-test.js';
export { runShuffle, shuffleStream, type ShuffleSettings } from './shuffle-task.js';
export { BUILTIN_PARTITIONERS, loadPartitioner, resolvePartitionerSpec, type PartitionerSpec } from './partitioner-spec.js';
