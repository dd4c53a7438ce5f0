import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Dataset, type Evaluator, InvalidArgumentError, ModscopeError, type Network, prepareInputs } from '@modscope/core';
import type { Capability, CapabilityFigures } from '@modscope/intervention-prune';
import { readResultFile } from '@modscope/results';
import { trainNeverTrained } from './train-never-trained.js';

/** How a model was trained, for its never-trained floor to repeat (method §6.5): from its `train.json`. */
export interface FloorRecipe {
  epochs: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd';
  /** null: the optimizer's default. */
  learningRate?: number | null;
  /** Where the recipe came from (the `train.json` path). */
  source: string;
}

/** How the floor was trained: `epochs` as asked, the model's own `recipe`, or `matched` to the intact model's retain accuracy. */
export interface FloorTraining {
  how: 'epochs' | 'recipe' | 'matched';
  epochs: number;
  source?: string;
  /** With `matched`: whether the retain accuracy came within the tolerance within the most epochs. */
  reached?: boolean;
}

/** The floor settings of `runExcise` (the subset of its options this file reads). */
interface FloorOptions {
  neverTrainedEpochs?: number;
  floorRecipe?: FloorRecipe;
  batchSize?: number;
  learningRate?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Most epochs of a matched floor, and how far below the intact model's retain accuracy a floor may sit. */
export const FLOOR_MAX_EPOCHS = 20;
export const FLOOR_TOLERANCE = 0.01;

/**
 * The recipe in the `train.json` beside a model (as `modscope train --out DIR` writes `DIR/model.onnx` and
 * `DIR/train.json`), or undefined where there is none. A `train.json` that is there but not a `modscope/train`
 * result is an error (one line, naming it).
 */
export async function floorRecipeOf(modelPath: string): Promise<FloorRecipe | undefined> {
  const base = /\.json$/i.test(modelPath) ? dirname(modelPath) : modelPath.toLowerCase().endsWith('.onnx') ? dirname(modelPath) : modelPath;
  const path = join(base, 'train.json');
  if (!existsSync(path)) return undefined;
  let record: Awaited<ReturnType<typeof readResultFile<'modscope/train'>>>;
  try {
    record = await readResultFile(path, { kinds: ['modscope/train'] });
  } catch (error) {
    if (!ModscopeError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      argument: 'floorRecipe',
      message: `the never-trained floor would repeat the recipe of ${path}, which cannot be read: ${error.message}`,
      hint: 'Give the floor its epochs yourself (neverTrainedEpochs; --never-trained-epochs N on the command line), or remove that train.json.',
    });
  }
  const { epochs, batchSize, optimizer, learningRate } = record.options;
  return { epochs, batchSize, optimizer, learningRate, source: path };
}

/** The floor's training in words, for a progress label: "3 epochs, as in train.json", "until its retain accuracy matches". */
export function floorWords(epochs: number | undefined, recipe: FloorRecipe | undefined): string {
  if (epochs === undefined) return `until its retain accuracy is within ${FLOOR_TOLERANCE * 100} point of the intact model's`;
  const count = `${epochs} epoch${epochs === 1 ? '' : 's'}`;
  return recipe && recipe.epochs === epochs ? `${count}, as in ${recipe.source.split(/[\\/]/).pop()}` : count;
}

/** The intact model's retain accuracy on the capability's retain set. */
async function intactRetain(network: Network, capability: Capability, createEvaluator: (n: Network) => Promise<Evaluator>) {
  const evaluator = await createEvaluator(network);
  try {
    const { logits, outputs } = await evaluator.run({ inputs: prepareInputs(capability.retain, network), count: capability.retain.count });
    return capability.retainMetric(logits, outputs);
  } finally {
    await evaluator.dispose();
  }
}

/**
 * Trains the never-trained floor (method §6.5): for `epochs` when given (explicitly, or the recipe's, with
 * the recipe's batch size, optimizer and learning rate unless the run sets its own), else until its retain
 * accuracy is within `FLOOR_TOLERANCE` of the intact model's, at most `FLOOR_MAX_EPOCHS` epochs.
 */
export async function trainFloor(
  network: Network,
  retainTraining: Dataset,
  capability: Capability,
  options: FloorOptions,
  run: { epochs: number | undefined; seed: number; createEvaluator: (n: Network) => Promise<Evaluator> },
): Promise<{ network: Network; training: FloorTraining }> {
  const recipe = options.neverTrainedEpochs === undefined ? options.floorRecipe : undefined;
  const settings = {
    seed: run.seed,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : recipe?.batchSize ? { batchSize: recipe.batchSize } : {}),
    ...(options.learningRate !== undefined
      ? { learningRate: options.learningRate }
      : typeof recipe?.learningRate === 'number'
        ? { learningRate: recipe.learningRate }
        : {}),
    ...(recipe?.optimizer ? { optimizer: recipe.optimizer } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  if (run.epochs !== undefined) {
    const trained = await trainNeverTrained(network, retainTraining, { ...settings, epochs: run.epochs });
    const how = recipe ? 'recipe' : 'epochs';
    return { network: trained.network, training: { how, epochs: trained.epochs, ...(recipe ? { source: recipe.source } : {}) } };
  }
  const target = (await intactRetain(network, capability, run.createEvaluator)) - FLOOR_TOLERANCE;
  const examples = {
    inputs: prepareInputs(capability.retain, network),
    count: capability.retain.count,
    labels: capability.retain.labels,
    classes: capability.retain.classes,
  };
  const trained = await trainNeverTrained(network, retainTraining, {
    ...settings,
    epochs: FLOOR_MAX_EPOCHS,
    until: { examples, accuracy: target },
  });
  return { network: trained.network, training: { how: 'matched', epochs: trained.epochs, reached: trained.reached ?? false } };
}

/**
 * The floor as the result file writes it: its figures, how it was trained, and whether it is a floor at all
 * — `comparable` is false when its retain accuracy sits more than `FLOOR_TOLERANCE` below the intact model's.
 */
export function floorOf(figures: CapabilityFigures, intactRetain: number, training: FloorTraining) {
  const retainGap = intactRetain - figures.retain;
  return {
    ...figures,
    epochs: training.epochs,
    training: training.how,
    ...(training.source ? { recipe: training.source } : {}),
    retainGap,
    comparable: retainGap <= FLOOR_TOLERANCE + 1e-9,
  };
}
