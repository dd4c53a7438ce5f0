import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxLoader } from '@modscope/loader-onnx';
import { parseResult } from '@modscope/results';
import { resultJsonText } from '@modscope/results/format';
import { describe, expect, it } from 'vitest';
import { runLesionText } from './run-lesion-text.js';

const folder = fileURLToPath(new URL('../../../fixtures/lm/', import.meta.url));

describe('runLesionText on lm-tiny', () => {
  it('lesions the residual-view sub-clusters of neurons and heads, with their contexts, in a JSON-ready result', async () => {
    const path = join(folder, 'lm-tiny.onnx');
    const model = await onnxLoader.load(path);
    const r = await runLesionText(model, {
      text: [join(folder, 'corpus.json')],
      modelPath: path,
      k: 3,
      random: 4,
      limit: 6,
      top: 3,
      ablation: 'mean',
    });
    expect(r.kind).toBe('modscope/text-lesion');
    expect(r.domains).toEqual(['en', 'de']);
    expect(r.windows).toBe(12);
    expect(r.ablation).toBe('mean');
    expect(r.partition.layers.map((l) => l.layer)).toEqual([
      'residual',
      'block0.attention',
      'block0.mlp.act',
      'block1.attention',
      'block1.mlp.act',
    ]);
    expect(r.subclusters.length).toBeGreaterThan(2);
    expect(new Set(r.subclusters.map((s) => s.kind))).toContain('neurons');
    for (const s of r.subclusters) {
      expect(s.domainIncrease).toHaveLength(2);
      expect(s.importanceP).toBeGreaterThanOrEqual(1 / 5);
      expect(s.upstream.contexts).toHaveLength(3);
      for (const c of s.upstream.contexts) {
        expect(['en', 'de']).toContain(c.domain);
        expect(c.token.length).toBeGreaterThan(0);
      }
      // contexts come strongest first
      const a = s.upstream.contexts.map((c) => c.activation);
      expect([...a].sort((x, y) => y - x)).toEqual(a);
    }
    expect(r.smallestP.subcluster).toBeCloseTo(0.2, 10);
    expect(r.warnings.length).toBeGreaterThan(0);
    // the file the CLI writes reads back as a text-lesion result of @modscope/results
    const file = parseResult(JSON.parse(resultJsonText(r)), { kinds: ['modscope/text-lesion'] });
    expect(file.subclusters.map((s) => s.upstream.contexts.length)).toEqual(r.subclusters.map(() => 3));
  });
});
