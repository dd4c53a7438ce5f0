import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/linalg', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'bipartiteColouring',
        'causalAttentionKernel',
        'checkGraph',
        'connectedComponents',
        'denseSymmetricEigen',
        'graphDegrees',
        'kmeans',
        'kmeansPlusPlus',
        'kmeansThreads',
        'lanczosLargest',
        'lloyd',
        'normalizedAdjacency',
        'sparseProducts',
        'spectralClustering',
        'spectralEmbedding',
        'spmv',
        'trainingKernels',
        'transposeFloat32',
      ].sort(),
    );
  });
});
