import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/sweep', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ManifestError',
        'SWEEP_ANALYSES',
        'SWEEP_PIECE',
        'SWEEP_SUMMARY_KIND',
        'parseManifest',
        'readManifest',
        'runSweep',
        'sweepEntries',
        'sweepHandlers',
        'sweepSummary',
      ].sort(),
    );
  });
});
