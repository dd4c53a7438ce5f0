import { createRandom, ModscopeError, type SparseGraph, type UnitActivations } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { coactivationGraph } from './coactivation-graph.js';

/** Activations of one layer from columns (one array of values per unit). */
function layer(id: string, columns: readonly (readonly number[])[]): UnitActivations {
  const units = columns.length;
  const count = columns[0]?.length ?? 0;
  const data = new Float32Array(count * units);
  columns.forEach((column, u) => {
    column.forEach((v, e) => {
      data[e * units + u] = v;
    });
  });
  return { layer: id, units, count, point: 'post', data };
}

/** Weight of edge (i, j), 0 when absent. */
function edge(graph: SparseGraph, i: number, j: number): number {
  for (let p = graph.indptr[i]!; p < graph.indptr[i + 1]!; p++) if (graph.indices[p] === j) return graph.weights[p]!;
  return 0;
}

/** Average ranks, 1-based, ties sharing their mean rank: the textbook definition. */
function naiveRanks(values: readonly number[]): number[] {
  return values.map((v) => {
    const below = values.filter((x) => x < v).length;
    const equal = values.filter((x) => x === v).length;
    return below + (equal + 1) / 2;
  });
}

function naivePearson(x: readonly number[], y: readonly number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let e = 0; e < x.length; e++) {
    sxy += (x[e]! - mx) * (y[e]! - my);
    sxx += (x[e]! - mx) ** 2;
    syy += (y[e]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function column(a: UnitActivations, unit: number): number[] {
  return Array.from({ length: a.count }, (_, e) => a.data[e * a.units + unit]!);
}

/** ReLU-like random activations with many exact ties (zeros, and values rounded to 1/8). */
function randomLayer(id: string, units: number, count: number, seed: number): UnitActivations {
  const rng = createRandom(seed);
  const shared = Array.from({ length: count }, () => rng.normal());
  const columns = Array.from({ length: units }, (_, u) => {
    const loading = rng.normal();
    return shared.map((s) => {
      const v = Math.max(0, loading * s + rng.normal() - 0.3);
      return u % 3 === 0 ? Math.round(v * 8) / 8 : v;
    });
  });
  return layer(id, columns);
}

describe('coactivationGraph: hand values', () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8];

  it('a perfectly monotone pair has ρ² = 1, increasing or decreasing', () => {
    const { graph } = coactivationGraph([layer('a', [x, x.map((v) => 3 * v + 1), x.map((v) => -v)])]);
    expect(edge(graph, 0, 1)).toBeCloseTo(1, 12);
    expect(edge(graph, 0, 2)).toBeCloseTo(1, 12);
    expect(edge(graph, 1, 2)).toBeCloseTo(1, 12);
  });

  it('Spearman differs from Pearson on a nonlinear monotone pair', () => {
    const activations = [layer('a', [x, x.map((v) => Math.exp(v))])];
    const spearman = coactivationGraph(activations).graph;
    const pearson = coactivationGraph(activations, { measure: 'pearson' }).graph;
    expect(edge(spearman, 0, 1)).toBeCloseTo(1, 12);
    const expected =
      naivePearson(
        x,
        x.map((v) => Math.fround(Math.exp(v))),
      ) ** 2;
    expect(expected).toBeLessThan(0.7);
    expect(edge(pearson, 0, 1)).toBeCloseTo(expected, 10);
  });

  it('ties get their mean rank: [1, 1, 2, 3] against [1, 2, 3, 4] gives ρ² = 0.9', () => {
    // ranks [1.5, 1.5, 3, 4] and [1, 2, 3, 4]: Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → ρ² = 4.5² / 22.5
    const { graph } = coactivationGraph([
      layer('a', [
        [1, 1, 2, 3],
        [1, 2, 3, 4],
      ]),
    ]);
    expect(edge(graph, 0, 1)).toBeCloseTo(0.9, 12);
    // Pearson on the same values: 3.5² / (2.75 · 5)
    const pearson = coactivationGraph(
      [
        layer('a', [
          [1, 1, 2, 3],
          [1, 2, 3, 4],
        ]),
      ],
      { measure: 'pearson' },
    ).graph;
    expect(edge(pearson, 0, 1)).toBeCloseTo(12.25 / 13.75, 12);
  });

  it('ranks negative values, −0 and +0 correctly', () => {
    const a = [-3, -0, 0, 2, -1e-30, 5];
    const b = [0, 2, 2, 4, 1, 5]; // ranks equal to a's
    const { graph } = coactivationGraph([layer('a', [a, b])]);
    expect(edge(graph, 0, 1)).toBeCloseTo(1, 12);
  });

  it('drops zero-variance units, keeps the mapping to the original units', () => {
    const activations = [layer('a', [x, x.map(() => 0.1), x.map((v) => v * v)]), layer('b', [x.map(() => -2), x.map((v) => 8 - v)])];
    for (const measure of ['spearman', 'pearson'] as const) {
      const { graph, nodes, dropped } = coactivationGraph(activations, { measure });
      expect(nodes).toEqual([
        { layer: 'a', unit: 0 },
        { layer: 'a', unit: 2 },
        { layer: 'b', unit: 1 },
      ]);
      expect(dropped).toEqual([
        { layer: 'a', unit: 1 },
        { layer: 'b', unit: 0 },
      ]);
      expect(graph.nodeCount).toBe(3);
    }
  });

  it('omits edges of weight exactly 0 and never stores self-loops', () => {
    const { graph } = coactivationGraph(
      [
        layer('a', [
          [1, -1, 1, -1],
          [1, 1, -1, -1],
          [1, 2, 3, 5],
        ]),
      ],
      { measure: 'pearson' },
    );
    expect(edge(graph, 0, 1)).toBe(0);
    expect([...graph.indices.subarray(graph.indptr[0]!, graph.indptr[1]!)]).toEqual([2]);
    for (let i = 0; i < 3; i++) expect(edge(graph, i, i)).toBe(0);
  });

  it('gives an empty graph when every unit is constant', () => {
    const { graph, nodes, dropped } = coactivationGraph([
      layer('a', [
        [1, 1, 1],
        [0, 0, 0],
      ]),
    ]);
    expect(graph.nodeCount).toBe(0);
    expect(nodes).toEqual([]);
    expect(dropped).toHaveLength(2);
  });
});

describe('coactivationGraph: against a naive O(n²·m) reference', () => {
  // 77 units (not a multiple of 4; more than one panel block) × 600 examples (more than one example block)
  const activations = [randomLayer('a', 30, 600, 1), randomLayer('b', 25, 600, 2), randomLayer('c', 22, 600, 3)];
  const columns = activations.flatMap((a) => Array.from({ length: a.units }, (_, u) => column(a, u)));

  for (const measure of ['spearman', 'pearson'] as const) {
    it(`${measure}: every pair matches to 1e-10, and the graph is a symmetric CSR with sorted rows`, () => {
      const { graph, nodes, dropped } = coactivationGraph(activations, { measure });
      expect(dropped).toEqual([]);
      expect(nodes).toHaveLength(77);
      const n = graph.nodeCount;
      expect(graph.indptr[n]).toBe(n * (n - 1));
      for (let i = 0; i < n; i++) {
        const row = [...graph.indices.subarray(graph.indptr[i]!, graph.indptr[i + 1]!)];
        expect(row).toEqual(Array.from({ length: n }, (_, j) => j).filter((j) => j !== i));
      }
      const values = measure === 'spearman' ? columns.map(naiveRanks) : columns;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (i === j) continue;
          const expected = naivePearson(values[i]!, values[j]!) ** 2;
          const actual = edge(graph, i, j);
          if (Math.abs(actual - expected) > 1e-10) expect.fail(`${measure} (${i}, ${j}): ${actual} vs ${expected}`);
        }
    });
  }

  it('gives the same graph whatever the split into layers', () => {
    const whole = layer('all', columns);
    const a = coactivationGraph(activations).graph;
    const b = coactivationGraph([whole]).graph;
    expect([...b.indptr]).toEqual([...a.indptr]);
    expect([...b.weights]).toEqual([...a.weights]);
  });
});

describe('coactivationGraph: refuses what cannot work', () => {
  const ok = layer('a', [
    [1, 2, 3],
    [3, 1, 2],
  ]);
  const cases: [string, () => unknown, RegExp][] = [
    ['no layers', () => coactivationGraph([]), /no layers' activations given\. Pass the activations/],
    ['one example', () => coactivationGraph([layer('a', [[1], [2]])]), /at least 2 examples, got 1\. Capture activations on more inputs/],
    ['different counts', () => coactivationGraph([ok, layer('b', [[1, 2]])]), /layer 'b' has 2 examples, layer 'a' 3/],
    ['a layer twice', () => coactivationGraph([ok, ok]), /layer 'a' appears twice/],
    ['a wrong length', () => coactivationGraph([{ ...ok, units: 4 }]), /holds 6 values, not 3 examples × 4 units/],
    [
      'NaN',
      () =>
        coactivationGraph([
          layer('a', [
            [1, Number.NaN, 3],
            [1, 2, 3],
          ]),
        ]),
      /layer 'a' unit 0 has the value NaN on example 1/,
    ],
    [
      'a measure',
      () => coactivationGraph([ok], { measure: 'kendall' as 'pearson' }),
      /measure must be 'spearman' or 'pearson', got 'kendall'/,
    ],
  ];
  for (const [what, run, message] of cases)
    it(what, () => {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(ModscopeError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ name: 'InvalidArgumentError', code: 'invalid-argument' });
      expect((error as Error).message).toMatch(/^@modscope\/partition-coactivation: /);
      expect((error as Error).message).toMatch(message);
    });
});
