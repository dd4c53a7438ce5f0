import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/report', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['REPORT_KINDS', 'REPORT_VERSION', 'renderReport', 'writeReport', 'writeResultsReport'].sort());
  });
});
