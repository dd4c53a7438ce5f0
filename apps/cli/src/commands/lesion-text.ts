import type { LoadedModel } from '@modscope/core';
import { runLesionText, type TextLesionResult, type TextLesionStudyOptions } from '@modscope/language-models';
import { progress, table } from '../output.js';
import { writeResultOutputs } from '../report-option.js';
import { UsageError } from '../usage-error.js';
import { floorText, pText, warningLines } from '../warning-lines.js';

/** The options of `modscope lesion` a language model's study reads: the pipeline's own, as parsed. */
export interface LesionTextOptions extends Omit<TextLesionStudyOptions, 'text' | 'modelPath' | 'onProgress'> {
  text?: string[];
  data?: string;
  report?: string;
  json?: string;
}

const nats = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : '—');

function formatTextLesion(r: TextLesionResult): string {
  const lines = [
    `${r.model} on ${r.domains.join(' + ')} (${r.split}, ${r.windows} windows of ${r.context} tokens): ${r.baseline.loss.toFixed(4)} nats per token intact`,
    `${r.ablation} ablation of ${r.subclusters.length} sub-clusters (partition: ${r.partition.source}, k = ${r.partition.k}) against ${r.random} random same-size sets of the same block`,
    '',
    table(
      ['layer', 'cluster', 'units', 'Δ loss', 'random Δ', 'p', ...r.domains.map((d) => `Δ ${d}`), 'selectivity p', 'upstream p'],
      r.subclusters.map((s) => [
        s.layer,
        s.cluster,
        `${s.size}/${s.layerUnits}`,
        nats(s.increase),
        nats(s.random.increase.reduce((a, b) => a + b, 0) / s.random.increase.length),
        pText(s.importanceP),
        ...s.domainIncrease.map(nats),
        pText(s.selectivityP),
        pText(s.upstream.domainEntropyP),
      ]),
    ),
    '',
    `p = (r + 1)/(n + 1) against n = ${r.random} random sets: no sub-cluster's p can be below ${floorText(r.smallestP.subcluster)}`,
    `Fisher-combined p: importance ${pText(r.fisher.importance, { digits: 4, floor: r.smallestP.fisher })}, domain selectivity ${pText(r.fisher.selectivity, { digits: 4, floor: r.smallestP.fisher })}`,
    ...warningLines(r.warnings),
  ];
  const strongest = [...r.subclusters].sort((a, b) => b.increase - a.increase)[0];
  if (strongest) {
    lines.push('', `text that activates ${strongest.layer} cluster ${strongest.cluster} most (the token in [brackets]):`);
    for (const c of strongest.upstream.contexts.slice(0, 5))
      lines.push(`  ${c.domain}: …${oneLine(c.before)}[${oneLine(c.token)}]${oneLine(c.after)}…`);
  }
  return lines.join('\n');
}

const oneLine = (s: string) => s.replace(/\s/g, (c) => (c === ' ' ? ' ' : '⏎'));

/** `modscope lesion MODEL --text …`: the lesion study of a language model's neurons and heads (method §9). */
export async function lesionTextCommand(path: string, model: LoadedModel, options: LesionTextOptions): Promise<void> {
  const { text, data, report, ...study } = options;
  if (!text || data)
    throw new UsageError({
      argument: 'text',
      message: text ? 'lesion takes --data or --text, not both.' : `'${model.network.name}' is a language model; lesion it on text.`,
      hint: 'Pass --text name=file[,file…] (or a corpus.json) for a language model, --data for a classifier.',
    });
  const quiet = options.json === '-';
  const bar = progress('lesions', { quiet });
  let result: TextLesionResult;
  try {
    result = await runLesionText(model, { ...study, text, modelPath: path, onProgress: (done, total) => bar.update(done, total) });
  } finally {
    bar.stop();
  }
  await writeResultOutputs(result, { json: options.json, report }, () => formatTextLesion(result));
}
