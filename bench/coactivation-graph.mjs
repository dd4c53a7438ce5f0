// Time of coactivationGraph on synthetic activations: 5,000 examples × 1,024 units (4 layers of 256),
// ReLU-like (about a third exactly 0, so Spearman sees ties), for both measures. Run from the package
// after `npm run build` (wall time suffers when other processes share the cores; CPU time less so):  node bench/coactivation-graph.mjs [examples] [units]
import { createRandom } from '@modscope/core';
import { coactivationGraph } from '@modscope/partition-coactivation';

const examples = Number(process.argv[2] ?? 5000);
const units = Number(process.argv[3] ?? 1024);
const layers = 4;
const rng = createRandom(0);
const per = units / layers;
const activations = Array.from({ length: layers }, (_, l) => {
  const data = new Float32Array(examples * per);
  // a few shared factors so correlations are not all near 0
  const factors = Array.from({ length: 8 }, () => Float64Array.from({ length: per }, () => rng.normal()));
  for (let e = 0; e < examples; e++) {
    const z = Array.from({ length: 8 }, () => rng.normal());
    for (let u = 0; u < per; u++) {
      let v = rng.normal();
      for (let f = 0; f < 8; f++) v += z[f] * factors[f][u] * 0.3;
      data[e * per + u] = Math.max(0, v);
    }
  }
  return { layer: `dense${l + 1}`, units: per, count: examples, point: 'post', data };
});
for (const measure of ['pearson', 'spearman', 'pearson', 'spearman']) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const { graph, dropped } = coactivationGraph(activations, { measure });
  const wall = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    `${measure}: ${examples} × ${units} → ${graph.nodeCount} nodes, ${graph.indices.length} entries, ${dropped.length} dropped: ` +
      `${wall.toFixed(0)} ms wall, ${((user + system) / 1000).toFixed(0)} ms CPU`,
  );
}
