import type { Metric } from '../interfaces/metric.js';
import type { Partition } from '../interfaces/partitioner.js';
import { createRandom } from '../random.js';
import { check, type ConformanceCase } from './conformance-case.js';
import { plantedPartitionGraph } from './planted-partition.js';

export interface MetricConformanceOptions<Result> {
  metric: Metric<Result>;
  /** Whether a better partition scores lower (n-cut) or higher (modularity). */
  better: 'lower' | 'higher';
  /** The number a result is compared by. Default: the result itself, for a `Metric<number>`. */
  score?: (result: Result) => number;
}

/** A result as comparable text (typed arrays as plain arrays). */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
}

/**
 * Checks a `Metric` of partitions: a v1 metric with a name; the same graph and partition give the same
 * result and stay untouched; renaming the clusters does not change the score; nodes labelled −1 are left
 * out rather than refused; and on planted-partition graphs of 24 to 400 nodes the planted partition
 * scores better than random partitions with as many clusters.
 */
export function metricConformanceCases<Result>(options: MetricConformanceOptions<Result>): ConformanceCase[] {
  const { metric, better } = options;
  const score = options.score ?? ((r: Result) => r as unknown as number);
  const sizes = [
    { blocks: 3, size: 8, pIn: 0.8, pOut: 0.05, seed: 11 },
    { blocks: 4, size: 25, pIn: 0.5, pOut: 0.02, seed: 5 },
    { blocks: 8, size: 50, pIn: 0.3, pOut: 0.01, seed: 7 },
  ];
  const graphs = sizes.map((s) => ({
    ...plantedPartitionGraph(s),
    blocks: s.blocks,
    name: `${s.blocks} planted blocks of ${s.size} nodes`,
  }));
  const medium = graphs[1]!;
  const planted: Partition = { labels: medium.labels, k: medium.blocks };
  return [
    {
      name: `${metric.name}: is a v1 metric with a name`,
      run: async () => {
        check(metric.specificationVersion === 'v1', `specificationVersion is '${String(metric.specificationVersion)}', not 'v1'`);
        check(typeof metric.name === 'string' && metric.name.length > 0, 'the metric has no name');
      },
    },
    {
      name: `${metric.name}: the same partition gives the same result, and graph and labels stay untouched`,
      run: async () => {
        const graphBefore = fingerprint(medium.graph);
        const labelsBefore = fingerprint(planted.labels);
        const a = fingerprint(metric.compute(medium.graph, planted));
        const b = fingerprint(metric.compute(medium.graph, planted));
        check(a === b, 'two computations on the same partition differ');
        check(fingerprint(medium.graph) === graphBefore, 'the graph was changed');
        check(fingerprint(planted.labels) === labelsBefore, 'the labels were changed');
      },
    },
    {
      name: `${metric.name}: renaming the clusters does not change the score`,
      run: async () => {
        const renamed: Partition = { labels: planted.labels.map((l) => planted.k - 1 - l), k: planted.k };
        const a = score(metric.compute(medium.graph, planted));
        const b = score(metric.compute(medium.graph, renamed));
        check(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `score ${a} with the planted labels, ${b} with the clusters renamed`);
      },
    },
    {
      name: `${metric.name}: nodes labelled −1 are left out, not refused`,
      run: async () => {
        const labels = planted.labels.slice();
        for (let i = 0; i < labels.length; i += 10) labels[i] = -1;
        const s = score(metric.compute(medium.graph, { labels, k: planted.k }));
        check(Number.isFinite(s), `score ${s} when every tenth node is labelled −1`);
      },
    },
    {
      name: `${metric.name}: scores planted partitions ${better === 'lower' ? 'below' : 'above'} random ones, on graphs of 24 to 400 nodes`,
      run: async () => {
        const random = createRandom(0);
        for (const g of graphs) {
          const real = score(metric.compute(g.graph, { labels: g.labels, k: g.blocks }));
          check(Number.isFinite(real), `${g.name}: score ${real} for the planted partition`);
          for (let r = 0; r < 5; r++) {
            const labels = Int32Array.from(g.labels, () => random.int(g.blocks));
            const shuffled = score(metric.compute(g.graph, { labels, k: g.blocks }));
            check(
              better === 'lower' ? real < shuffled : real > shuffled,
              `${g.name}: the planted partition scores ${real}, a random one ${shuffled} (better is ${better})`,
            );
          }
        }
      },
    },
  ];
}
