import { transformerView, type Network } from '@modscope/core';
import { createLanguageModel, trainLanguageModel } from '@modscope/train';
import type { TextCapability } from './text-capability.js';
import { sequenceLoss } from './text-session.js';

/** How the model was trained, from its `train.json` (`modscope/text-train`), for the floor to repeat (method §6.5). */
export interface TextFloorRecipe {
  epochs: number | null;
  steps: number | null;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  dropout: number;
}

/** A floor's retain loss may sit this far (nats) above the intact model's and still be a floor. */
const TEXT_FLOOR_TOLERANCE = 0.05;
/** Most epochs of a floor trained until it matches the intact model's retain loss. */
const TEXT_FLOOR_MAX_EPOCHS = 20;

/**
 * The never-trained model (method §6.5 for §9): a fresh model of the same shape trained on the retain text
 * only, with the original recipe where there is one, else epoch by epoch until its retain loss is within
 * 0.05 nats of the intact model's (at most 20 epochs). `comparable` says whether it got there.
 */
export async function trainNeverTrained(
  network: Network,
  capability: TextCapability,
  recipe: TextFloorRecipe | undefined,
  intactRetain: number,
  tuning: { batchSize: number; learningRate: number; seed: number },
): Promise<{ network: Network; steps: number; comparable: boolean; note: string }> {
  const view = transformerView(network);
  const activation = view.blocks[0]?.activation.activation === 'relu' ? 'relu' : 'gelu';
  const fresh = createLanguageModel({
    vocabulary: view.embedding.vocabulary,
    context: view.context,
    blocks: view.blocks.length,
    width: view.width,
    heads: view.blocks[0]?.attention.heads ?? 1,
    neurons: view.blocks[0]?.mlpIn.units ?? 4 * view.width,
    activation,
    seed: tuning.seed + 1,
    name: `${network.name} never-trained`,
  });
  const retainLoss = (n: Network) => sequenceLoss(n, capability.retainTest);
  if (recipe) {
    const run = await trainLanguageModel(fresh, capability.retainTraining, {
      batchSize: recipe.batchSize,
      learningRate: recipe.learningRate,
      weightDecay: recipe.weightDecay,
      dropout: recipe.dropout,
      seed: tuning.seed,
      ...(recipe.steps !== null ? { steps: recipe.steps } : { epochs: recipe.epochs ?? 1 }),
    });
    const gap = retainLoss(run.network) - intactRetain;
    const comparable = gap <= TEXT_FLOOR_TOLERANCE;
    return {
      network: run.network,
      steps: run.steps,
      comparable,
      note: `the model's own recipe (${recipe.steps !== null ? `${recipe.steps} steps` : `${recipe.epochs} epochs`}) on the retain text; retain loss ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} nats against the intact model${comparable ? '' : ': not comparable, it is clearly worse on retain text'}`,
    };
  }
  let current = fresh;
  let steps = 0;
  let gap = Number.POSITIVE_INFINITY;
  let epochs = 0;
  while (epochs < TEXT_FLOOR_MAX_EPOCHS && gap > TEXT_FLOOR_TOLERANCE) {
    const run = await trainLanguageModel(current, capability.retainTraining, { ...tuning, epochs: 1, seed: tuning.seed + epochs });
    current = run.network;
    steps += run.steps;
    epochs++;
    gap = retainLoss(current) - intactRetain;
  }
  const comparable = gap <= TEXT_FLOOR_TOLERANCE;
  return {
    network: current,
    steps,
    comparable,
    note: `trained ${epochs} epoch${epochs === 1 ? '' : 's'} on the retain text until its retain loss was within ${TEXT_FLOOR_TOLERANCE} nats of the intact model's${comparable ? '' : ` (it stopped ${gap.toFixed(3)} nats above: not comparable)`}`,
  };
}
