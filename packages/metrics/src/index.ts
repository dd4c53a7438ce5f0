export { partitionQuality, partitionQualityMetric, type PartitionQuality } from './partition-quality.js';
export { clusterStats, type ClusterStats, type PartitionStats } from './cluster-stats.js';
export {
  normalizedCut,
  modularity,
  withinClusterFraction,
  normalizedCutMetric,
  modularityMetric,
  withinClusterFractionMetric,
} from './normalized-cut.js';
export { adjustedRandIndex } from './adjusted-rand-index.js';
export { normalizedMutualInformation } from './normalized-mutual-information.js';
export {
  comparePartitions,
  type ComparePartitionsOptions,
  type PartitionComparison,
  type PermutationNull,
} from './compare-partitions.js';
export { shuffleStatistics, type ShuffleStatistics } from './shuffle-statistics.js';
export { empiricalP } from './empirical-p.js';
export {
  fewestNullValues,
  SIGNIFICANCE_LEVEL,
  smallestEmpiricalP,
  smallestFisherP,
  type PValueFloorWarning,
} from './p-value-floor.js';
export { fisherCombined, type FisherCombined } from './fisher-combined.js';
export { labelEntropy } from './label-entropy.js';
