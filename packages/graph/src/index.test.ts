import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/graph', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CsrBuilder',
        'NULL_MODELS',
        'WEIGHT_GRAPH_DEFAULTS',
        'buildLanguageModelGraph',
        'buildWeightGraph',
        'degrees',
        'edgeCount',
        'expandLabels',
        'isNullModel',
        'layerSparsity',
        'magnitudePrune',
        'removeIsolatedNodes',
        'shuffleWeightGraph',
        'weightGraphShuffler',
      ].sort(),
    );
  });
});
