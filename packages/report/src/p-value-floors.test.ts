import { parseResult } from '@modscope/results';
import { describe, expect, it } from 'vitest';
import { renderReport } from './render-report.js';
import { sampleCluster, sampleLesion } from './sample-results.js';

const shuffleWarning = {
  test: 'shuffle test',
  samples: 9,
  smallestP: 0.1,
  message:
    'with 9 shuffles per null model no p can be below 1/10 = 0.100, so the shuffle test cannot reach p ≤ 0.05 either way; use 19 shuffles or more (the default 50 allows 0.020).',
};

/** The text of the page between its tags, entities decoded enough to search. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('p-value floors in the report', () => {
  it("lists a cluster result's warnings under its verdicts and marks a p at its floor", () => {
    const file = { ...sampleCluster(), warnings: [shuffleWarning] };
    expect(parseResult(file, { kinds: ['modscope/cluster'] })).toMatchObject({ warnings: [shuffleWarning] });
    const html = renderReport([file]);
    expect(html).toContain('data-figure="warnings"');
    expect(text(html)).toContain(`Warning: ${shuffleWarning.message}`);
    // the sample's p = 0.1 with 9 shuffles is 1/(n + 1)
    expect(text(html)).toContain('p = 0.100 (9 shuffles, the smallest possible)');
    const figures = [...html.matchAll(/data-figure="([^"]+)"/g)].map((m) => m[1]);
    expect(figures.slice(0, 2)).toEqual(['verdict', 'warnings']);
  });

  it('shows no warning block without warnings, and no floor note for a p above it', () => {
    const file = sampleCluster();
    const nulls = Object.fromEntries(Object.entries(file.nulls).map(([name, t]) => [name, { ...t, p: 0.3 }]));
    const html = renderReport([{ ...file, nulls, warnings: [] }]);
    expect(html).not.toContain('data-figure="warnings"');
    expect(text(html)).toContain('p = 0.300 (9 shuffles)');
  });

  it("states a lesion result's floors in the table caption and lists its warnings", () => {
    const sample = sampleLesion();
    const warning = { ...shuffleWarning, test: 'sub-cluster p (importance)', samples: sample.random, smallestP: 1 / (sample.random + 1) };
    const file = { ...sample, smallestP: { subcluster: 1 / (sample.random + 1), fisher: 1.2e-5 }, warnings: [warning] };
    const html = renderReport([file]);
    expect(text(html)).toContain(
      `With ${sample.random} random lesions no p can be below ${(1 / (sample.random + 1)).toFixed(3)}, no Fisher-combined p below 1.2e-5.`,
    );
    expect(text(html)).toContain(`Warning: ${warning.message}`);
    // an older file without floors: the sub-cluster floor from its random count, no warnings
    const old = renderReport([sample]);
    expect(text(old)).toContain(`no p can be below ${(1 / (sample.random + 1)).toFixed(3)}.`);
    expect(old).not.toContain('data-figure="warnings"');
  });
});
