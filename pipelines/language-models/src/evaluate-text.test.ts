import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxLoader } from '@modscope/loader-onnx';
import { describe, expect, it } from 'vitest';
import { runEvaluateText } from './evaluate-text.js';

const folder = fileURLToPath(new URL('../../../fixtures/lm/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
  models: { file: string; domains: Record<string, { testLoss: number; testAccuracy: number; testWindows: number }> }[];
};

describe('runEvaluateText on the fixture language models', () => {
  it.each(manifest.models)("gives PyTorch's test loss per domain within 1e-3 nats: $file", async (entry) => {
    const path = join(folder, entry.file);
    const model = await onnxLoader.load(path);
    const result = await runEvaluateText(model, { text: [join(folder, 'corpus.json')], modelPath: path });
    expect(result.split).toBe('test');
    expect(result.domains.map((d) => d.name)).toEqual(Object.keys(entry.domains));
    for (const d of result.domains) {
      const torch = entry.domains[d.name]!;
      expect(d.windows).toBe(torch.testWindows);
      expect(Math.abs(d.loss - torch.testLoss)).toBeLessThan(1e-3);
      // Accuracy counts argmax hits; float noise can flip a near-tie, one position in a thousand at most.
      expect(Math.abs(d.accuracy - torch.testAccuracy)).toBeLessThan(1e-3);
    }
    expect(result.overall.positions).toBe(result.domains.reduce((n, d) => n + d.positions, 0));
  });
});
