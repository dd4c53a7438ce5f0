import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/demo', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['DEMO_RECIPE', 'demoData', 'lesionsByTask', 'pairedRows', 'runDemo', 'taskAlignment'].sort());
  });
});
