import { describe, expect, it } from 'vitest';
import { checkResult } from './check-result.js';
import type { ExciseView } from './excise-view.js';
import { exciseMetrics, exciseSection } from './excise-section.js';
import { recoveryFigure, relearningFigure } from './recovery-figure.js';
import { sampleExcise, sampleExciseRun } from './sample-results.js';

const read = (value: unknown) => checkResult(value, 'excise.json').result as ExciseView;

describe('the excise result and section', () => {
  it('reads what modscope excise writes: stats with null steps, the floor, the relearning attack', () => {
    const r = read(sampleExciseRun());
    expect(r.forgetMetric).toBe('accuracy on the forgotten classes');
    expect(r.intact).toEqual({ forget: 0.9574, retain: 0.8852 });
    expect(r.methods.map((m) => [m.method, m.baseline, m.units])).toEqual([
      ['module', false, 51],
      ['random', true, 51],
      ['none', true, 0],
    ]);
    expect(r.methods[0]!.stats!.stepsToHalf).toBeNull();
    expect(r.methods[0]).toMatchObject({ forget: 0, retain: 0.6954 });
    expect(r.floor).toEqual({ forget: 0, retain: 0.7285, epochs: 1 });
    expect(r.relearning.map((x) => `${x.model}:${x.examples}`)).toEqual([
      'module:10',
      'random:10',
      'never-trained:10',
      'module:100',
      'never-trained:100',
    ]);
  });

  it('still reads the minimal form, and a run without the never-trained model (floor null)', () => {
    expect(read(sampleExcise()).relearning).toEqual([]);
    const r = read({ ...sampleExciseRun(), floor: null });
    expect(r.floor).toBeUndefined();
    expect(() => read({ ...sampleExciseRun(), relearning: [{ model: 'module', examples: 0, curve: [] }] })).toThrow(
      /relearning\[0\]\.examples is 0, expected an integer ≥ 1/,
    );
  });

  it('shows a before/after table with every method and the floor, and the relearning figure', () => {
    const section = exciseSection(read(sampleExciseRun()));
    expect(section.blocks.map((b) => (b.type === 'figure' ? b.figure.kind : b.kind))).toEqual([
      'recovery',
      'excise-table',
      'relearning',
      'relearning-table',
    ]);
    // the never-trained attack lost all its retain accuracy: marked degenerate beside its retain figures
    const relearning = section.blocks[3]!;
    if (relearning.type !== 'html') throw new Error('html expected');
    expect([...relearning.html.matchAll(/<tr><th scope="row">([^<]+)<\/th><td class="num">(\d+)</g)].map((m) => `${m[1]}:${m[2]}`)).toEqual(
      ['module pruning:10', 'random units:10', 'never trained:10', 'module pruning:100', 'never trained:100'],
    );
    expect(relearning.html).toMatch(
      /never trained<\/th><td class="num">10<\/td><td class="num">—<\/td><td class="num">0\.0%<\/td><td class="num">100\.0%<\/td><td class="num">72\.9%<\/td><td class="num">0\.0%<\/td><td class="degenerate"><strong>degenerate<\/strong><\/td>/,
    );
    expect(relearning.html).toMatch(/module pruning<\/th>(<td class="num">[^<]*<\/td>){6}<td><\/td>/);
    expect(relearning.html).toMatch(
      /random units<\/th><td class="num">10<\/td><td class="num">—<\/td><td class="num">76\.6%<\/td><td class="num">95\.7%<\/td>/,
    );
    const table = section.blocks[1]!;
    if (table.type !== 'html') throw new Error('html expected');
    expect([...table.html.matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1])).toEqual([
      'module pruning',
      'random units (baseline)',
      'no pruning (baseline)',
      'never trained',
    ]);
    // module pruning: 51 units, 0.0% right after pruning, 36.2% after fine-tuning, never half-way back
    expect(table.html).toMatch(
      /module pruning<\/th><td class="num">51<\/td><td class="num">0\.0%<\/td><td class="num">69\.5%<\/td><td class="num">36\.2%<\/td><td class="num">86\.8%<\/td><td class="num">never<\/td>/,
    );
    expect(section.highlights.map((h) => h.label)).toEqual([
      'accuracy on the forgotten classes, intact',
      'accuracy on the forgotten classes right after module pruning',
      'accuracy on the forgotten classes after fine-tuning (module pruning)',
      'never-trained floor',
    ]);
  });

  it('says when the never-trained floor is no floor (its retain accuracy more than 1 point below the intact model)', () => {
    const run = sampleExciseRun();
    const floorNote = (floor: object) =>
      exciseSection(read({ ...run, floor: { ...run.floor, ...floor } })).highlights.find((h) => h.label === 'never-trained floor')!.note;
    expect(floorNote({ training: 'epochs', retainGap: 0.1567, comparable: false })).toMatch(
      /^no floor: its retain accuracy is 15\.7 points below/,
    );
    expect(floorNote({ training: 'matched', retainGap: 0.004, comparable: true })).toBe(
      'accuracy on the forgotten classes of a model trained on retain data only',
    );
  });

  it('draws the relearning curves of every start against the floor, one panel per number of forget examples', () => {
    const r = read(sampleExciseRun());
    const figure = relearningFigure(r, exciseMetrics(r));
    type Series = {
      name: string;
      xAxisIndex: number;
      color: string;
      lineStyle: { type: string; width: number; opacity?: number };
      data: number[][];
      markLine?: unknown;
    };
    const series = figure.option.series as Series[];
    expect(series.map((s) => `${s.xAxisIndex}:${s.name}:${s.lineStyle.type}`)).toEqual([
      '0:module pruning:solid',
      '0:random units:dashed',
      '0:never trained:solid',
      '1:module pruning:solid',
      '1:never trained:solid',
    ]);
    // each method in its colour of the recovery figure, the floor in black; the same start, the same colour in both panels
    const recovery = recoveryFigure(r, exciseMetrics(r)).option.series as Series[];
    expect(series[0]!.color).toBe(recovery[0]!.color);
    expect(series[1]!.color).toBe(recovery[1]!.color);
    expect(series[0]!.color).not.toBe(series[1]!.color);
    expect(series[2]!.color).toBe('#1b1f24');
    expect(series[3]!.color).toBe(series[0]!.color);
    // the degenerate run (never trained, 10 examples: retain 73% → 0%) is faint, and its panel says so
    expect(series.map((s) => s.lineStyle.opacity ?? 1)).toEqual([1, 1, 0.4, 1, 1]);
    const titles = (figure.option.title as { text: string }[]).map((t) => t.text);
    expect(titles).toEqual(['10 forget examples — degenerate (faint): never trained', '100 forget examples']);
    expect(series[2]!.data[0]).toEqual([0, 0]);
    // an intact line in each panel, on the first series of that panel
    expect(series.map((s) => s.markLine !== undefined)).toEqual([true, false, false, true, false]);
    expect(figure.marks).toEqual([
      { selector: 'path[stroke-width="2.5"], path[stroke-width="1.75"]', count: 5, what: 'relearning curves' },
      { selector: 'path[stroke="#8a919c"]', count: 2, what: 'intact lines' },
    ]);
    // one number of examples: one panel across the width
    const one = relearningFigure({ ...r, relearning: r.relearning.filter((x) => x.examples === 10) }, exciseMetrics(r));
    expect((one.option.grid as { width: string }[]).map((g) => g.width)).toEqual(['92%']);
  });
});
