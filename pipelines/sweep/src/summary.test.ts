import { describe, expect, it } from 'vitest';
import { parseManifest, sweepEntries } from './manifest.js';
import { sweepSummary } from './summary.js';

const [cluster, lesion] = sweepEntries(
  parseManifest({ models: ['a.onnx'], analyses: [{ kind: 'cluster' }, { kind: 'lesion', data: 'mnist' }] }, { baseDir: '/m' }),
) as [ReturnType<typeof sweepEntries>[number], ReturnType<typeof sweepEntries>[number]];

describe('sweepSummary', () => {
  it('takes the headline figures of each kind from the result file, null where a statistic is undefined', () => {
    const summary = sweepSummary([
      {
        entry: cluster,
        seconds: 1.23456,
        status: 'ok',
        text: '',
        result: { ncut: 2.5, nulls: { layer: { p: 0.04 }, 'layer-nonzero': { p: null } } },
      },
      { entry: lesion, seconds: 2, status: 'ok', text: '', result: { effectFactor: 1.2, fisher: { importance: { p: 0.001 } } } },
    ]);
    expect(summary.failed).toBe(0);
    expect(summary.manifest).toBeNull();
    expect(summary.rows.map((r) => [r.entry, r.figures, r.seconds])).toEqual([
      ['a.cluster.seed0', { ncut: 2.5, p: { layer: 0.04, 'layer-nonzero': null } }, 1.235],
      ['a.lesion.seed0', { effectFactor: 1.2, importanceP: 0.001 }, 2],
    ]);
    expect(
      sweepSummary([{ entry: lesion, seconds: 0, status: 'ok', text: '', result: { effectFactor: null, fisher: { importance: null } } }])
        .rows[0]!.figures,
    ).toEqual({
      effectFactor: null,
      importanceP: null,
    });
  });
});
