import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/intervention-lesion', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'LESION_DEFAULTS',
      'classSelectivity',
      'evaluateLesionBatch',
      'lesionSweep',
      'lesionWeights',
      'upstreamCoherence',
    ]);
  });
});
