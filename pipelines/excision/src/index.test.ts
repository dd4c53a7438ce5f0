import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/excision', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'EXCISE_DEFAULTS',
        'floorRecipeOf',
        'EXCISE_METHODS',
        'METHOD_NAMES',
        'hiddenUnits',
        'runExcise',
        'trainFineTuner',
        'trainNeverTrained',
        'trainingSets',
      ].sort(),
    );
  });
});
