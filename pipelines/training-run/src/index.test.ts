import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/training-run public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_ARCH',
      'DEFAULT_POISON_FRACTION',
      'parsePoison',
      'poisonDatasets',
      'resolveArch',
      'runTrain',
      'saveCheckpoint',
      'toChannelsFirst',
      'triggeredTestSet',
    ]);
  });
});
