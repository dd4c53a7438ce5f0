import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

const manifest = JSON.parse(readFileSync(fixture('manifest.json'), 'utf8')) as {
  models: Array<{ file: string; parameters: number }>;
};

interface Summary {
  format: string;
  layout: string;
  parameters: number;
  input: { shape: number[] };
  layers: Array<{ kind: string; parameters: number; sparsity: number | null; outputShape: number[] }>;
}

const inspect = (file: string): Summary => {
  const r = runCli(['inspect', fixture(file), '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Summary;
};

describe('modscope inspect', () => {
  it('describes the torch MLP: layers, shapes and the parameter count torch reported', () => {
    const s = inspect('mlp-fashion.onnx');
    expect(s.format).toBe('onnx');
    expect(s.layout).toBe('flat');
    expect(s.input.shape).toEqual([784]);
    const dense = s.layers.filter((l) => l.kind === 'dense');
    expect(dense.map((l) => l.outputShape[0])).toEqual([256, 256, 256, 256, 10]);
    expect(s.parameters).toBe(manifest.models.find((m) => m.file === 'mlp-fashion.onnx')!.parameters);
    expect(dense.every((l) => l.sparsity !== null && l.sparsity < 0.01)).toBe(true);
  });

  it('describes the torch CNN in NCHW with batch norm and pooling layers', () => {
    const s = inspect('cnn-fashion.onnx');
    expect(s.layout).toBe('nchw');
    expect(s.input.shape).toEqual([1, 28, 28]);
    const kinds = s.layers.map((l) => l.kind);
    for (const k of ['conv2d', 'batchnorm', 'pool', 'flatten', 'dense']) expect(kinds).toContain(k);
  });

  it('describes a TF.js LayersModel in NHWC', () => {
    const s = inspect('tfjs-cnn/model.json');
    expect(s.format).toBe('tfjs-layers');
    expect(s.layout).toBe('nhwc');
    expect(s.input.shape).toEqual([28, 28, 1]);
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['inspect', fixture('mlp-fashion.onnx')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/input \[784\] → output/);
    expect(r.stdout).toMatch(/dense\s+784→256/);
  });
});
