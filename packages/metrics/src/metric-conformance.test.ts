import { metricConformanceCases } from '@modscope/core/testing';
import { describe, it } from 'vitest';
import { modularityMetric, normalizedCutMetric, withinClusterFractionMetric } from './normalized-cut.js';
import { partitionQualityMetric } from './partition-quality.js';

describe('the metrics pass the core Metric conformance suite', () => {
  const suites = [
    metricConformanceCases({ metric: normalizedCutMetric, better: 'lower' }),
    metricConformanceCases({ metric: modularityMetric, better: 'higher' }),
    metricConformanceCases({ metric: withinClusterFractionMetric, better: 'higher' }),
    metricConformanceCases({ metric: partitionQualityMetric, better: 'lower', score: (q) => q.ncut }),
  ];
  for (const c of suites.flat()) it(c.name, c.run);
});
