// How one spectral clustering scales with graph size: planted 12-block graphs from 1k to 50k nodes and
// up to 5M edges (sparse, 80% of each node's edges inside its block). Prints time (eigensolver, k-means,
// total) and the process's peak RSS so far against edges; the eigensolver should grow about linearly in edges, k-means in nodes.
// Run from the repository root after `npm run build`:  node bench/spectral-scaling.mjs [maxEdges]
import { availableParallelism } from 'node:os';
import { createRandom } from '@modscope/core';
import { CsrBuilder } from '@modscope/graph';
import { kmeans, kmeansThreads, spectralEmbedding } from '@modscope/linalg';
import { normalizedCut } from '@modscope/metrics';

const maxEdges = Number(process.argv[2] ?? 5_000_000);
const k = 12;
const sizes = [
  [1_000, 20_000],
  [2_000, 50_000],
  [5_000, 200_000],
  [10_000, 500_000],
  [20_000, 1_000_000],
  [50_000, 2_000_000],
  [50_000, 5_000_000],
].filter(([, e]) => e <= maxEdges);

function plantedGraph(n, edges, rng) {
  const builder = new CsrBuilder(n, edges);
  const block = (i) => Math.floor((i * k) / n);
  const blockStart = (b) => Math.ceil((b * n) / k);
  for (let e = 0; e < edges; e++) {
    const a = rng.int(n);
    let b;
    if (rng.next() < 0.8) {
      const s = blockStart(block(a));
      b = s + rng.int(blockStart(block(a) + 1) - s);
    } else b = rng.int(n);
    builder.add(a, b, 0.1 + rng.next());
  }
  return builder.build();
}

console.log(
  `k = ${k}; k-means n_init as in the method (25, or 100 above 2,000 nodes), on ${kmeansThreads(availableParallelism())} threads`,
);
console.log('   nodes      edges  eigen ms  matvecs  k-means ms  total ms  ms per 1k edges  peak RSS MB  n-cut');
for (const [n, edges] of sizes) {
  const graph = plantedGraph(n, edges, createRandom(n));
  const t0 = performance.now();
  const e = spectralEmbedding(graph, k, { random: createRandom(1) });
  const t1 = performance.now();
  const km = kmeans(e.embedding, n, k, { k, nInit: n > 2000 ? 100 : 25, random: createRandom(2), threads: availableParallelism() });
  const t2 = performance.now();
  const mb = process.resourceUsage().maxRSS / 1024;
  const m = graph.indices.length / 2;
  console.log(
    `${String(n).padStart(8)} ${String(m).padStart(10)} ${(t1 - t0).toFixed(0).padStart(9)} ${String(e.matvecs).padStart(8)} ${(t2 - t1).toFixed(0).padStart(11)} ${(t2 - t0).toFixed(0).padStart(9)} ${((t2 - t0) / (m / 1000)).toFixed(3).padStart(16)} ${mb.toFixed(0).padStart(11)}  ${normalizedCut(graph, km.labels).toFixed(3)}`,
  );
}
