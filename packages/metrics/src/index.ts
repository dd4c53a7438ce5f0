export { clusterStats, type ClusterStats, type PartitionStats } from './cluster-stats.js';
export {
  normalizedCut,
  modularity,
  withinClusterFraction,
  normalizedCutMetric,
  modularityMetric,
  withinClusterFractionMetric,
} from './normalized-cut.js';
export { shuffleStatistics, type ShuffleStatistics } from './shuffle-statistics.js';
