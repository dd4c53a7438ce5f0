import type { Evaluator, LoadedModel } from '@modscope/core';
import { runEvaluateText, type TextEvaluation, type TextSplit } from '@modscope/language-models';
import { percent, print, printJson, progress, table, thousands } from '../output.js';

export interface EvaluateTextOptions {
  text: string[];
  tokenizer?: string;
  split?: TextSplit;
  stride?: number;
  batchSize?: number;
  engine?: 'native' | 'tfjs';
  json?: boolean;
}

function printTextEvaluation(r: TextEvaluation): void {
  print(
    `${r.model} on ${r.domains.map((d) => d.name).join(' + ')} (${r.split}): ${r.overall.loss.toFixed(4)} nats per token, next-token accuracy ${percent(r.overall.accuracy)} over ${thousands(r.overall.positions)} positions`,
  );
  print(`${thousands(r.windows)} windows of ${r.context} tokens, tokenizer ${r.tokenizer}, engine ${r.engine}, ${r.seconds.toFixed(2)} s`);
  print();
  print(
    table(
      ['domain', 'loss (nats/token)', 'accuracy', 'windows', 'positions'],
      r.domains.map((d) => [d.name, d.loss.toFixed(4), percent(d.accuracy), d.windows, thousands(d.positions)]),
    ),
  );
}

/** `modscope evaluate MODEL --text …`: a language model's loss and next-token accuracy per text domain. */
export async function evaluateTextCommand(path: string, model: LoadedModel, options: EvaluateTextOptions): Promise<void> {
  const bar = progress('evaluating', { quiet: options.json });
  let evaluator: Evaluator | undefined;
  if (options.engine === 'tfjs') {
    const { createTfjsEvaluator } = await import('@modscope/loader-tfjs');
    evaluator = await createTfjsEvaluator(model.network);
  }
  try {
    const result = await runEvaluateText(model, {
      text: options.text,
      modelPath: path,
      ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      ...(options.split ? { split: options.split } : {}),
      ...(options.stride ? { stride: options.stride } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(evaluator ? { evaluator } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    if (options.json) printJson(result);
    else printTextEvaluation(result);
  } finally {
    bar.stop();
    await evaluator?.dispose();
  }
}
