import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual(['LOUVAIN_DEFAULTS', 'createLouvainPartitioner', 'louvainPartitioner']);
});

it('has a ready default partitioner named louvain', () => {
  expect(api.louvainPartitioner).toMatchObject({ specificationVersion: 'v1', name: 'louvain' });
});
