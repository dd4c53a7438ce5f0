import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

interface ManifestEntry {
  file: string;
  format?: string;
  testAccuracy?: number;
  accuracy?: number;
}

const manifest = JSON.parse(readFileSync(fixture('manifest.json'), 'utf8')) as { models: ManifestEntry[] } | ManifestEntry[];
const entries = (Array.isArray(manifest) ? manifest : manifest.models).filter((m) => (m.testAccuracy ?? m.accuracy) !== undefined);

describe('evaluating the fixture models gives the accuracy their framework reported', () => {
  it('has trained fixtures to check', () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
  });

  for (const entry of entries) {
    it(`${entry.file}: modscope evaluate --json on the 10k test set`, () => {
      const r = runCli(['evaluate', fixture(entry.file), '--data', 'fashion-mnist', '--split', 'test', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout) as { accuracy: number; perClassAccuracy: number[]; confusion: number[][]; count: number };
      expect(result.count).toBe(10_000);
      expect(result.perClassAccuracy).toHaveLength(10);
      expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
      // float32 engines may break a near-tie differently: allow at most 2 of 10,000 predictions to differ
      expect(Math.abs(result.accuracy - (entry.testAccuracy ?? entry.accuracy)!)).toBeLessThanOrEqual(2e-4);
    });
  }
});
