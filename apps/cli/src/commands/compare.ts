import { loadDataset } from '@modscope/datasets';
import { runCompare, type CompareStudyOptions } from '@modscope/lesion-study';
import { isLanguageModel } from '@modscope/core';
import { runCompareText } from '@modscope/language-models';
import { loadModel } from '../loaders.js';
import { UsageError } from '../usage-error.js';
import { jsonText, print, printJson, table } from '../output.js';
import { writeOutputFile } from '../output-file.js';
import { modelInputs } from '../command-inputs.js';
import { checkResultOutputs } from '../output-paths.js';
import { writeReportOption } from '../report-option.js';
import { pText, warningLines } from '../warning-lines.js';

export interface CompareOptions extends CompareStudyOptions {
  data?: string;
  text?: string[];
  tokenizer?: string;
  stride?: number;
  split?: 'train' | 'test' | 'all';
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
  const text = options.text !== undefined || isLanguageModel(model.network);
  if (text ? !options.text || options.data : !options.data || options.split === 'all')
    throw new UsageError({
      argument: text ? 'text' : 'data',
      message: text
        ? 'compare on a language model takes --text and no --data.'
        : 'compare on a classifier takes --data (and --split train or test).',
      hint: 'Pass --data fashion-mnist for a classifier, or --text name=file[,file…] for a language model.',
    });
  const result = text
    ? await runCompareText(model, { ...options, text: options.text!, modelPath: path })
    : await runCompare(
        model,
        await loadDataset(options.data!, {
          split: options.split === 'train' ? 'train' : 'test',
          ...(options.limit ? { limit: options.limit } : {}),
        }),
        options,
      );
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
  for (const line of warningLines('warnings' in result ? result.warnings : [])) print(line);
  if (options.json) print(`\nwrote ${options.json}`);
  if (options.report) await writeReportOption(result, options.report, options.json ? { source: options.json } : {});
}
