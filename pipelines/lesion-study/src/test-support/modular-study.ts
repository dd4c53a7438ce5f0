import { argmax, createRandom, type Dataset, type LoadedModel } from '@modscope/core';
import { modularMlp, referenceEvaluator, referenceForward } from '@modscope/core/testing';

/**
 * Two planted modules side by side (16-32-32-8, no weights between them) run by the reference evaluator,
 * and seeded uniform inputs labelled by the network's own answer, so the intact accuracy is 1.
 */
export function modularStudy(count = 96): { model: LoadedModel; dataset: Dataset; modules: Int32Array[] } {
  const { network, modules } = modularMlp({ modules: 2, seed: 5 });
  const rng = createRandom(11);
  const inputs = Float32Array.from({ length: count * 16 }, () => rng.next());
  const { logits } = referenceForward(network, { inputs, count });
  const labels = Int32Array.from({ length: count }, (_, i) => argmax(logits, i * 8, 8));
  const model: LoadedModel = { network, format: 'reference', createEvaluator: async () => referenceEvaluator(network) };
  const dataset: Dataset = { name: 'uniform', split: 'test', count, inputShape: [16], inputs, labels, classes: 8 };
  return { model, dataset, modules };
}
