import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/lesion-study', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'COMPARE_STUDY_DEFAULTS',
        'LESION_PIECE',
        'LESION_STUDY_DEFAULTS',
        'RANDOM_LESION_DEFAULTS',
        'featureVisualizations',
        'inputsFor',
        'lesionHandlers',
        'lesionFloorWarnings',
        'lesionFloors',
        'partitionFor',
        'readPartitionFile',
        'runCompare',
        'runLesion',
      ].sort(),
    );
  });
});
