import type { TrainCommandOptions } from './train-command-options.js';
import { join, resolve } from 'node:path';
import { TRAIN_DEFAULTS } from '@modscope/train';
import { parsePoison, runTrain, type TrainPlan } from '@modscope/training-run';
import { percent, print, printJson, table } from '../output.js';
import { trainingBar } from './training-bar.js';
import { checkOutputs } from '../output-paths.js';
import { asUsage } from '../usage-error.js';
import { checkClassifierOptions } from './classifier-options.js';

function planLines({ dataset, trainExamples, testExamples, arch, poison }: TrainPlan): string[] {
  const stamped = poison ? `, ${poison.stamped.toLocaleString('en-US')} stamped with the trigger and relabelled ${poison.target}` : '';
  return [
    `data: ${dataset}, ${trainExamples.toLocaleString('en-US')} train / ${testExamples.toLocaleString('en-US')} test examples${stamped}`,
    `network: ${arch}`,
  ];
}

/**
 * Trains a network on a dataset with the method's regularizers (§7), optional scheduled magnitude
 * pruning and an optional backdoor (`runTrain` of `@modscope/training-run`), which writes `model.onnx`,
 * the TF.js model and `train.json`; prints the result.
 */
export async function trainCommand(options: TrainCommandOptions): Promise<void> {
  const data = checkClassifierOptions(options);
  // the poison spec is read again by runTrain; reading it here first makes a typo a usage error (exit 2)
  if (options.poison !== undefined) asUsage(() => parsePoison(options.poison!));
  const spectral =
    options.spectralReg === undefined
      ? undefined
      : {
          ...(options.spectralReg === true ? {} : { lambda: options.spectralReg }),
          ...(options.spectralEvery ? { every: options.spectralEvery } : {}),
        };
  await checkOutputs({ dirs: { '--out': options.out } });
  const bar = trainingBar(options.json ?? false);
  let json: Awaited<ReturnType<typeof runTrain>>;
  try {
    json = await runTrain({
      data,
      out: options.out,
      epochs: options.epochs ?? TRAIN_DEFAULTS.epochs,
      batchSize: options.batchSize ?? TRAIN_DEFAULTS.batchSize,
      optimizer: options.optimizer === 'sgd' ? 'sgd' : 'adam',
      seed: options.seed,
      ...(options.arch !== undefined ? { arch: options.arch } : {}),
      ...(options.lr !== undefined ? { learningRate: options.lr } : {}),
      ...(options.dropout !== undefined ? { dropout: options.dropout } : {}),
      ...(options.l1 !== undefined ? { l1: options.l1 } : {}),
      ...(options.l2 !== undefined ? { l2: options.l2 } : {}),
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
      ...(options.clusterableInit ? { clusterableInit: true } : {}),
      ...(spectral ? { spectralRegularizer: spectral } : {}),
      ...(options.poison !== undefined ? { poison: options.poison } : {}),
      ...(options.trigger !== undefined ? { trigger: options.trigger } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.testLimit !== undefined ? { testLimit: options.testLimit } : {}),
      onPlan: (plan) => {
        if (!options.json) for (const line of planLines(plan)) print(line);
      },
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  if (options.json) return printJson(json);
  const last = json.history[json.history.length - 1];
  const poison = json.options.poison;
  const rows: (string | number)[][] = [
    ['epochs', String(json.options.epochs)],
    ['steps', String(json.steps)],
    ['final train loss', last && last.loss !== null ? last.loss.toFixed(4) : '—'],
    ['final train accuracy', last ? percent(last.accuracy) : '—'],
    [poison ? 'clean test accuracy' : 'test accuracy', percent(json.testAccuracy)],
  ];
  if (poison && json.attackSuccess !== undefined && json.attackExamples !== undefined)
    rows.push([
      'trigger-specific attack success',
      `${percent(json.attackSuccess)} of ${json.attackExamples.toLocaleString('en-US')} test inputs not of class ${poison.target}: ${percent(json.rawAttackSuccess ?? Number.NaN)} sent there with the trigger, ${percent(json.cleanToTarget ?? Number.NaN)} without`,
    ]);
  if (json.sparsity) {
    const values = Object.values(json.sparsity);
    rows.push(['sparsity', `${percent(values.reduce((a, b) => a + b, 0) / values.length)} mean over ${values.length} layers`]);
  }
  if (json.eigenvalues) rows.push(['Laplacian eigenvalues', json.eigenvalues.map((e) => e.toPrecision(3)).join(', ')]);
  rows.push(['backend', `${json.backend}${json.backendReason ? ` (${json.backendReason})` : ''}`], ['seconds', json.seconds.toFixed(1)]);
  print();
  print(table(['', 'value'], rows));
  print();
  print(
    `wrote ${json.files.onnx ?? `(no ONNX: ${json.files.onnxNote})`}, ${json.files.tfjs} and ${join(resolve(options.out), 'train.json')}`,
  );
}
