import { analyzeClusterability, type ClusterabilityResult } from '@modscope/clusterability';
import { onnxLoader } from '@modscope/loader-onnx';
import { describe, expect, it } from 'vitest';
import { fixture } from './run-cli.js';

// The method's §4 orderings on the Fashion-MNIST MLPs (784-256×4-10) that
// fixtures/make-clusterability-fixtures.py trains: control, dropout 0.5 and L1 5e-5, each also pruned to 90%
// per layer while training. 20 shuffles per null keep CI short; the smallest possible p is then 1/21.
const SHUFFLES = 20;
const results = new Map<string, ClusterabilityResult>();

async function analyze(file: string, prune?: number): Promise<ClusterabilityResult> {
  const key = `${file}:${prune ?? ''}`;
  if (!results.has(key)) {
    const { network } = await onnxLoader.load(fixture(`clusterability/${file}`));
    results.set(
      key,
      await analyzeClusterability(network, {
        k: 12,
        shuffles: SHUFFLES,
        seed: 0,
        nulls: ['layer'],
        partitioner: { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' },
        ...(prune ? { prune } : {}),
      }),
    );
  }
  return results.get(key)!;
}

describe('clusterability orderings on Fashion-MNIST MLPs (method §4)', () => {
  it('the unpruned control is more clusterable than its layer shuffles, with n-cut near 10', async () => {
    const r = await analyze('control.onnx');
    expect(r.nodes).toBe(1818);
    expect(r.ncut).toBeGreaterThan(9.3);
    expect(r.ncut).toBeLessThan(10.3);
    expect(r.ncut).toBeLessThan(r.nulls.layer!.mean);
    expect(r.nulls.layer!.p).toBeLessThanOrEqual(0.05);
  });

  it('pruning lowers the n-cut; the one-shot pruned control is more clusterable than its layer shuffles', async () => {
    const control = await analyze('control.onnx');
    const oneShot = await analyze('control.onnx', 0.9);
    const trainedPruned = await analyze('control-pruned.onnx');
    expect(oneShot.ncut).toBeLessThan(control.ncut - 0.5);
    expect(trainedPruned.ncut).toBeLessThan(control.ncut - 0.5);
    expect(oneShot.nulls.layer!.p).toBeLessThanOrEqual(0.05);
    // pruned while training, the control sits only just below its shuffles (z ≈ −1): the direction holds,
    // significance does not (see the issue note)
    expect(trainedPruned.ncut).toBeLessThan(trainedPruned.nulls.layer!.mean);
  });

  it('dropout makes the pruned network more clusterable still', async () => {
    const control = await analyze('control-pruned.onnx');
    const dropout = await analyze('dropout-pruned.onnx');
    expect(dropout.ncut).toBeLessThan(control.ncut - 0.3);
    expect(dropout.nulls.layer!.p).toBeLessThanOrEqual(0.05);
    expect(dropout.nulls.layer!.z).toBeLessThan(control.nulls.layer!.z - 5);
  });

  it('L1 makes the network less clusterable than its layer shuffles, pruned or not', async () => {
    for (const file of ['l1.onnx', 'l1-pruned.onnx']) {
      const r = await analyze(file);
      const pRight = (r.nulls.layer!.values.filter((v) => v > r.ncut).length + 1) / (SHUFFLES + 1);
      expect(r.ncut).toBeGreaterThan(r.nulls.layer!.mean);
      expect(pRight).toBeLessThanOrEqual(0.05);
      expect(r.nulls.layer!.verdict).toMatch(/^less clusterable/);
    }
  });
});
