import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('modscope', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['createProgram', 'loaders', 'main']);
  });
});
