import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/partition-spectral', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['createSpectralPartitioner', 'spectralPartitioner']);
  });

  it('has a ready default partitioner named spectral', () => {
    expect(api.spectralPartitioner).toMatchObject({ specificationVersion: 'v1', name: 'spectral' });
  });
});
