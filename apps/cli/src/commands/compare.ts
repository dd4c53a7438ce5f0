import { loadDataset } from '@modscope/datasets';
import { runCompare, type CompareStudyOptions } from '@modscope/lesion-study';
import { loadModel } from '../loaders.js';
import { jsonText, print, printJson, table } from '../output.js';
import { writeOutputFile } from '../output-file.js';
import { modelInputs } from '../command-inputs.js';
import { checkResultOutputs } from '../output-paths.js';
import { writeReportOption } from '../report-option.js';
import { pText, warningLines } from '../warning-lines.js';

export interface CompareOptions extends CompareStudyOptions {
  data: string;
  split?: 'train' | 'test';
  limit?: number;
  k: number;
  permutations: number;
  json?: string;
  /** Also write the HTML report of the result to this file. */
  report?: string;
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

export async function compareCommand(path: string, options: CompareOptions): Promise<void> {
  await checkResultOutputs(options, modelInputs(path));
  const model = await loadModel(path);
  const dataset = await loadDataset(options.data, { split: options.split ?? 'test', ...(options.limit ? { limit: options.limit } : {}) });
  const result = await runCompare(model, dataset, options);
  const { overall, layers: perLayer } = result;
  if (options.json === '-') {
    printJson(result);
    if (options.report) await writeReportOption(result, options.report, { quiet: true });
    return;
  }
  if (options.json) await writeOutputFile(options.json, jsonText(result));
  print(`${result.model}: weight-graph vs coactivation partitions of the hidden units, k = ${options.k}`);
  print(`coactivation from ${result.partitions.coactivation}; null: ${options.permutations} permutations of one partition's labels`);
  print();
  // each p is (r + 1)/(permutations + 1): one at that floor says so; smaller ones print as 1e-4, not 0.000
  const floor = 1 / (options.permutations + 1);
  const row = (name: string, c: typeof overall) => [
    name,
    c.n,
    fixed(c.ari),
    fixed(c.permutation.ariMean),
    pText(c.permutation.ariP, { floor }),
    fixed(c.nmi),
    fixed(c.permutation.nmiMean),
    pText(c.permutation.nmiP, { floor }),
  ];
  print(
    table(
      ['units', 'n', 'ARI', 'null ARI', 'p', 'NMI', 'null NMI', 'p'],
      [row('all hidden', overall), ...perLayer.map((l) => row(l.layer, l))],
    ),
  );
  print();
  print(
    overall.permutation.ariP <= 0.05
      ? 'The two partitions agree more than chance (ARI 1 = identical, 0 = chance).'
      : 'The two partitions do not agree more than chance (ARI 1 = identical, 0 = chance).',
  );
  for (const line of warningLines(result.warnings)) print(line);
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}
