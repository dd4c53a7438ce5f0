import { type ClusterabilityResult, type ClusterRun, runCluster } from '@modscope/clusterability';
import { isNullModel, NULL_MODELS, type NullModel } from '@modscope/graph';
import { loadModel } from '../loaders.js';
import { jsonText, print, printJson, progress, table } from '../output.js';
import { writeOutputFile } from '../output-file.js';
import { modelInputs } from '../command-inputs.js';
import { checkResultOutputs } from '../output-paths.js';
import { partitionerSpec } from '../partitioners.js';
import { writeReportOption } from '../report-option.js';
import { queueRun } from '../queue-run.js';
import { UsageError } from '../usage-error.js';
import { pText, warningLines } from '../warning-lines.js';

export interface ClusterOptions {
  k: number;
  shuffles: number;
  nulls: string;
  prune?: number;
  /** A name of `PARTITIONERS`, or a partitioner package name or path (resolved from the current directory). */
  partitioner: string;
  seed: number;
  json?: string;
  workers?: number;
  /** Run the shuffles on this Redis queue (`modscope worker` takes them). */
  queue?: string;
  norm: 'l1' | 'l2';
  includeDense?: boolean;
  view: 'residual' | 'per-block';
  attention?: boolean;
  block: number;
  /** Also write the HTML report of the result to this file. */
  report?: string;
}

function parseNulls(value: string): NullModel[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const hint = `Use a comma-separated list of: ${NULL_MODELS.join(', ')} (--shuffles 0 skips the test).`;
  if (names.length === 0) throw new UsageError({ argument: '--nulls', message: '--nulls names no null model.', hint });
  for (const [i, name] of names.entries()) {
    if (!isNullModel(name)) throw new UsageError({ argument: '--nulls', message: `unknown null model '${name}'.`, hint });
    if (names.indexOf(name) !== i) {
      throw new UsageError({ argument: '--nulls', message: `--nulls names '${name}' twice.`, hint: 'Name each null model once.' });
    }
  }
  return names as NullModel[];
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** A language model's weight-graph view in words. */
function viewText(view: NonNullable<ClusterabilityResult['view']>): string {
  if (view.view === 'per-block') return `per-block view: block ${view.block}'s MLP`;
  return `residual view: the residual stream and every MLP neuron${view.attention ? ' and attention head' : ''}`;
}

/** The human summary of a clusterability analysis. */
function formatClusterability(r: ClusterabilityResult): string {
  const lines = [
    `${r.network}: ${r.nodes} nodes (${r.removedNodes} of degree 0 removed), ${r.edges} edges${r.prune !== null ? `, pruned to ${(100 * r.prune).toFixed(0)}% sparsity per layer` : ''}`,
    `${r.partitioner} partition, k = ${r.k}, seed ${r.seed}${r.view ? `, ${viewText(r.view)}` : ''}`,
    '',
    `n-cut ${fixed(r.ncut)} (0 = perfectly separate clusters, about ${r.k - 1} for a structureless graph)`,
    `modularity ${fixed(r.modularity)}, ${(100 * r.withinClusterFraction).toFixed(1)}% of edge weight inside clusters`,
  ];
  const nulls = Object.entries(r.nulls);
  if (nulls.length > 0) {
    lines.push(
      '',
      table(
        ['null', 'shuffles', 'mean n-cut', 'std', 'z', 'p'],
        // a p at its floor 1/(n + 1) says so: more shuffles could take it lower
        nulls.map(([name, s]) => [name, s.n, fixed(s.mean), fixed(s.std), fixed(s.z, 2), pText(s.p, { floor: s.smallestP })]),
      ),
      '',
    );
    for (const [, s] of nulls) lines.push(`The network is ${s.verdict}.`);
    lines.push(...warningLines(r.warnings));
  }
  lines.push(
    '',
    table(
      ['cluster', 'size', 'volume', 'cut', 'conductance'],
      r.clusters.map((c) => [
        c.label,
        c.size,
        Number(c.volume.toPrecision(4)),
        Number(c.cut.toPrecision(4)),
        Number(c.conductance.toFixed(3)),
      ]),
    ),
  );
  return lines.join('\n');
}

export async function clusterCommand(model: string, options: ClusterOptions): Promise<void> {
  const nulls = parseNulls(options.nulls);
  if (options.queue !== undefined && options.workers !== undefined) {
    throw new UsageError({
      argument: '--queue',
      message: '--queue and --workers both say where the shuffles run.',
      hint: 'Give one: --queue sends them to modscope worker processes, --workers runs them in threads here.',
    });
  }
  const partitioner = await partitionerSpec(options.partitioner);
  await checkResultOutputs(options, modelInputs(model));
  // Only the network: the model file's bytes can go before the graph is built (a GPT-2-sized file is 0.6 GB).
  const { network } = await loadModel(model);
  const bar = progress('shuffles', { quiet: options.json === '-' });
  const queued = options.queue !== undefined ? queueRun(options.queue) : undefined;
  let json: ClusterRun;
  try {
    json = await runCluster(network, {
      k: options.k,
      seed: options.seed,
      shuffles: options.shuffles,
      nulls,
      partitioner,
      graph: { norm: options.norm, includeDense: options.includeDense ?? false },
      languageModel: { view: options.view, attention: options.attention ?? false, block: options.block },
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(queued ? { queue: queued.queue, signal: queued.signal } : {}),
      onProgress: (stage, done, total) => {
        if (stage === 'shuffles') bar.update(done, total);
      },
    });
  } finally {
    bar.stop();
    queued?.dispose();
  }
  if (options.json === '-') {
    printJson(json);
    if (options.report) await writeReportOption(json, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeOutputFile(options.json, jsonText(json));
  print(formatClusterability(json));
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(json, options.report, options.json ? { source: options.json } : {});
}
