import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/rl public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ROLLOUT_AGENTS_DEFAULTS',
      'TRAIN_AGENTS_DEFAULTS',
      'policyOutputs',
      'rolloutAgents',
      'trainAgents',
    ]);
  });
});
