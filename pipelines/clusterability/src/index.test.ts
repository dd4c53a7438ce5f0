import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/clusterability', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CLUSTER_DRAWING_EDGES',
        'SHUFFLE_PIECE',
        'analyzeClusterability',
        'defaultShuffleWorkers',
        'runCluster',
        'findPartitionerSpec',
        'isPartitioner',
        'loadPartitioner',
        'runShuffle',
        'shuffleHandlers',
        'shuffleStream',
        'shuffleTest',
        'verdict',
      ].sort(),
    );
  });
});
