import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/metrics', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'adjustedRandIndex',
        'clusterStats',
        'comparePartitions',
        'empiricalP',
        'fewestNullValues',
        'fisherCombined',
        'labelEntropy',
        'modularity',
        'modularityMetric',
        'normalizedCut',
        'normalizedCutMetric',
        'normalizedMutualInformation',
        'partitionQuality',
        'partitionQualityMetric',
        'shuffleStatistics',
        'SIGNIFICANCE_LEVEL',
        'smallestEmpiricalP',
        'smallestFisherP',
        'withinClusterFraction',
        'withinClusterFractionMetric',
      ].sort(),
    );
  });
});
