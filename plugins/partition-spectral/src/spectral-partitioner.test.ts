import { createRandom, type Network } from '@modscope/core';
import { adjustedRandIndex, methodExample, partitionerConformanceCases, plantedPartitionGraph, tinyMlp } from '@modscope/core/testing';
import { buildWeightGraph, removeIsolatedNodes } from '@modscope/graph';
import { normalizedCut } from '@modscope/metrics';
import { describe, expect, it } from 'vitest';
import { createSpectralPartitioner, spectralPartitioner } from './spectral-partitioner.js';

const partitioner = spectralPartitioner;

describe('spectral partitioner: conformance', () => {
  for (const c of partitionerConformanceCases({ partitioner })) it(c.name, c.run);
  for (const c of partitionerConformanceCases({ partitioner: createSpectralPartitioner({ nInit: 5, threads: 1 }) }))
    it(`nInit 5, one thread: ${c.name}`, c.run);
});

describe('spectral partitioner', () => {
  it('recovers 8 planted blocks (ARI ≥ 0.95) on the sparse eigensolver path', async () => {
    const planted = plantedPartitionGraph({ blocks: 8, size: 40, pIn: 0.4, pOut: 0.01, seed: 7 });
    const p = await partitioner.partition(planted.graph, { k: 8, seed: 0 });
    expect(p.matvecs).toBeGreaterThan(0);
    expect(adjustedRandIndex(p.labels, planted.labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the hand-checkable partitions of the method', async () => {
    for (const which of [1, 2] as const) {
      const example = methodExample(which);
      const graph = buildWeightGraph(example.network);
      const p = await partitioner.partition(graph, { k: 2, seed: 0 });
      expect(adjustedRandIndex(p.labels, example.labels)).toBe(1);
      expect(normalizedCut(graph, p.labels)).toBeCloseTo(example.expectedNcut, 3);
    }
  });

  it('labels are numbered by first appearance and deterministic', async () => {
    const planted = plantedPartitionGraph({ blocks: 4, size: 30, pIn: 0.5, pOut: 0.02, seed: 1 });
    const p = await partitioner.partition(planted.graph, { k: 4, seed: 5 });
    expect(p.labels[0]).toBe(0);
    const seen: number[] = [];
    for (const l of p.labels) if (!seen.includes(l)) seen.push(l);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('a network of two disjoint MLPs splits along them', async () => {
    // two 6-8-4 MLPs side by side: block-diagonal weights, no cross connections
    const a = tinyMlp({ sizes: [6, 8, 4], seed: 1 });
    const b = tinyMlp({ sizes: [6, 8, 4], seed: 2 });
    const layers = a.layers.map((layer, i) => {
      const other = b.layers[i]!;
      if (layer.kind === 'input') return { ...layer, units: 12, outputShape: [12] };
      if (layer.kind !== 'dense' || other.kind !== 'dense') return { ...layer, units: layer.units * 2, outputShape: [layer.units * 2] };
      const [inA, outA] = layer.kernelShape;
      const kernel = new Float32Array(inA * 2 * outA * 2);
      for (let r = 0; r < inA; r++) {
        for (let c = 0; c < outA; c++) {
          kernel[r * outA * 2 + c] = layer.kernel[r * outA + c]!;
          kernel[(r + inA) * outA * 2 + c + outA] = other.kernel[r * outA + c]!;
        }
      }
      return {
        ...layer,
        units: outA * 2,
        outputShape: [outA * 2],
        kernel,
        kernelShape: [inA * 2, outA * 2] as [number, number],
        bias: null,
      };
    });
    const network: Network = { ...a, layers };
    const graph = removeIsolatedNodes(buildWeightGraph(network));
    const p = await partitioner.partition(graph, { k: 2, seed: 0 });
    const truth = new Int32Array(graph.nodeCount);
    for (let i = 0; i < graph.nodeCount; i++) truth[i] = graph.nodeUnit[i]! < graph.layers[graph.nodeLayer[i]!]!.units / 2 ? 0 : 1;
    expect(adjustedRandIndex(p.labels, truth)).toBe(1);
    expect(normalizedCut(graph, p.labels)).toBe(0);
  });

  it('refuses a graph with more components than k', async () => {
    const planted = plantedPartitionGraph({ blocks: 3, size: 10, pIn: 1, pOut: 0, seed: 0 });
    await expect(partitioner.partition(planted.graph, { k: 2, seed: 0 })).rejects.toThrow(/3 connected components, more than k = 2/);
    const p = await partitioner.partition(planted.graph, { k: 3, seed: 0 });
    expect(adjustedRandIndex(p.labels, planted.labels)).toBe(1);
  });

  it('is independent of the unrelated global state: a seed fixes the labels', async () => {
    const planted = plantedPartitionGraph({ blocks: 5, size: 50, pIn: 0.1, pOut: 0.03, seed: 2 });
    const a = await partitioner.partition(planted.graph, { k: 5, seed: 42 });
    createRandom(1).next();
    const b = await partitioner.partition(planted.graph, { k: 5, seed: 42 });
    expect([...a.labels]).toEqual([...b.labels]);
  });
});
