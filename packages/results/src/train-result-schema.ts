import { z } from 'zod';
import { TRAIN_RESULT_KIND, TRAIN_RESULT_VERSION } from './result-kinds.js';
import { count, header, statistic } from './schema-parts.js';

const trainOptions = z
  .object({
    data: z.string().describe('The --data given.'),
    arch: z.string(),
    epochs: count(0),
    batchSize: count(1),
    optimizer: z.enum(['adam', 'sgd']),
    learningRate: z.number().nullable().describe("null: the optimizer's default."),
    dropout: z.number(),
    l1: z.number(),
    l2: z.number(),
    prune: z.number().nullable().describe('Final sparsity of scheduled magnitude pruning, or null.'),
    clusterableInit: z.boolean(),
    spectralRegularizer: z
      .object({ lambda: z.number().optional(), m: count(1).optional(), every: count(1).optional() })
      .nullable()
      .describe('The spectral regularizer’s options as given (defaults left out), or null.'),
    poison: z
      .object({
        target: count(0).describe('The class stamped examples are relabelled to.'),
        fraction: z.number().describe('Fraction of the training set stamped.'),
        trigger: z.object({ row: count(0), col: count(0), size: count(1), value: z.number() }),
      })
      .nullable()
      .describe('The backdoor planted, or null.'),
    limit: count(0).nullable(),
    testLimit: count(0).nullable(),
    seed: z.number(),
  })
  .describe('The options of the run, defaults filled in.');

/** `train.json`, written by `modscope train --out DIR`: how a network was trained and how well it does. */
export const trainResultSchema = z
  .object({
    ...header(TRAIN_RESULT_KIND, TRAIN_RESULT_VERSION),
    dataset: z.string(),
    arch: z.string().describe('Layer sizes joined by -, or cnn-small.'),
    options: trainOptions,
    trainExamples: count(0),
    testExamples: count(0),
    steps: count(0),
    history: z
      .array(
        z.object({
          epoch: count(1),
          step: count(0).describe('Steps done at the end of the epoch.'),
          loss: statistic().describe('Mean training cross-entropy over the epoch (without penalties); null where it diverged.'),
          accuracy: z.number(),
          penalty: statistic().optional().describe('Mean L1, L2 and spectral penalty over the epoch, where there is one.'),
        }),
      )
      .describe('One entry per epoch.'),
    trainAccuracy: z.number().nullable().describe('Of the last epoch; null without any.'),
    testAccuracy: z.number(),
    testLoss: statistic(),
    attackSuccess: z
      .number()
      .optional()
      .describe(
        'With a backdoor: the trigger-specific attack success rate (method §6.8), rawAttackSuccess − cleanToTarget; a model that predicts the target everywhere scores 0.',
      ),
    rawAttackSuccess: z
      .number()
      .optional()
      .describe('With a backdoor: share of triggered test inputs of other classes predicted as the target.'),
    cleanToTarget: z
      .number()
      .optional()
      .describe('With a backdoor: share of the same test inputs without the trigger predicted as the target.'),
    attackExamples: count(0).optional(),
    cleanAccuracy: z.number().optional().describe('With a backdoor: the test accuracy on clean inputs.'),
    sparsity: z.record(z.string(), z.number()).optional().describe('Final sparsity of every pruned layer, with pruning.'),
    eigenvalues: z
      .array(z.number())
      .optional()
      .describe('With the spectral regularizer: the smallest Laplacian eigenvalues of the trained network’s graph.'),
    backend: z.string().describe('The tfjs backend that trained it.'),
    backendReason: z.string().describe('Why that backend.'),
    seconds: z.number().min(0),
    files: z.object({
      onnx: z.string().nullable().describe('model.onnx, or null where it was not written (see onnxNote).'),
      tfjs: z.string().describe('The TF.js model.json.'),
      onnxNote: z.string().optional(),
    }),
  })
  .meta({
    title: 'modscope train result',
    description:
      "What 'modscope train --data DATA --out DIR' writes to DIR/train.json next to the model: the options, the per-epoch history, test accuracy (and attack success with a backdoor), sparsity and the files written. Numbers that are not finite are written as null.",
  });

/** A `modscope/train` result file (`train.json`), version 2. */
export type TrainResultFile = z.output<typeof trainResultSchema>;
