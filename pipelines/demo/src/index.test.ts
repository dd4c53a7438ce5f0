import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/demo', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'DEMO_RECIPE',
        'LANGUAGE_MODEL_DEMO_RECIPE',
        'demoData',
        'lesionsByTask',
        'pairedRows',
        'runDemo',
        'runLanguageModelDemo',
        'taskAlignment',
      ].sort(),
    );
  });
});
