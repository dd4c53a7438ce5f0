import { describe, expect, it } from 'vitest';
import { parseManifest, sweepEntries } from './manifest.js';
import { sweepSummary } from './summary.js';

const [cluster, lesion, excise] = sweepEntries(
  parseManifest(
    {
      models: ['a.onnx'],
      analyses: [{ kind: 'cluster' }, { kind: 'lesion', data: 'mnist' }, { kind: 'excise', data: 'mnist', options: { forget: 'class:3' } }],
    },
    { baseDir: '/m' },
  ),
) as [ReturnType<typeof sweepEntries>[number], ReturnType<typeof sweepEntries>[number], ReturnType<typeof sweepEntries>[number]];

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

  it("takes an excise entry's forget metric after module pruning, random pruning, the floor and the largest attack on module", () => {
    const stats = (finalForget: number | null) => ({ stats: { finalForget } });
    const result = {
      methods: [
        { method: 'module', ...stats(0.02) },
        { method: 'random', ...stats(0.61) },
        { method: 'none', ...stats(0.9) },
      ],
      floor: { forget: 0.01 },
      relearning: [
        { model: 'module', examples: 100, ...stats(0.4) },
        { model: 'never-trained', examples: 100, ...stats(0.3) },
        { model: 'module', examples: 10, ...stats(0.1) },
      ],
    };
    expect(sweepSummary([{ entry: excise, seconds: 3, status: 'ok', text: '', result }]).rows[0]).toMatchObject({
      entry: 'a.excise.seed0',
      kind: 'excise',
      figures: { moduleForget: 0.02, randomForget: 0.61, floorForget: 0.01, relearnedForget: 0.4 },
    });
    // no random baseline, no floor, no attack, an undefined statistic: null
    const bare = { methods: [{ method: 'module', ...stats(null) }], floor: null, relearning: [] };
    expect(sweepSummary([{ entry: excise, seconds: 3, status: 'ok', text: '', result: bare }]).rows[0]!.figures).toEqual({
      moduleForget: null,
      randomForget: null,
      floorForget: null,
      relearnedForget: null,
    });
  });
});
