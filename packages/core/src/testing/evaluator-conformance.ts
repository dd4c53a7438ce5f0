import type { Evaluator } from '../interfaces/evaluator.js';
import { inputSize, isWeighted, type Network } from '../network.js';
import { createRandom } from '../random.js';
import { check, checkClose, checkRejects, type ConformanceCase } from './conformance-case.js';
import { referenceForward } from './reference-forward.js';
import { tinyCnn, tinyMlp, tinyResidualCnn } from './synthetic-networks.js';

export interface EvaluatorConformanceOptions {
  /** Makes an evaluator for a network (e.g. by converting it to the engine's format). */
  createEvaluator(network: Network): Promise<Evaluator>;
  /** Networks to check; defaults to the tiny MLP, CNN and residual CNN in NCHW layout. */
  networks?: Network[];
  /** Largest allowed absolute difference from the reference forward pass. */
  tolerance?: number;
}

function randomInputs(network: Network, count: number, seed: number): Float32Array {
  const rng = createRandom(seed);
  const out = new Float32Array(count * inputSize(network));
  for (let i = 0; i < out.length; i++) out[i] = rng.next();
  return out;
}

/**
 * Checks an `Evaluator` implementation against the reference forward pass: logits, batching, captured
 * activations, unit masks, weight edits, and the error for inputs of the wrong size.
 */
export function evaluatorConformanceCases(options: EvaluatorConformanceOptions): ConformanceCase[] {
  const networks = options.networks ?? [tinyMlp(), tinyCnn(), tinyResidualCnn()];
  const tolerance = options.tolerance ?? 1e-4;
  const cases: ConformanceCase[] = [];
  const withEvaluator = async (network: Network, body: (e: Evaluator) => Promise<void>) => {
    const evaluator = await options.createEvaluator(network);
    try {
      await body(evaluator);
    } finally {
      await evaluator.dispose();
    }
  };
  for (const network of networks) {
    const count = 5;
    const inputs = randomInputs(network, count, 7);
    const hidden = network.layers.filter((l) => l.kind !== 'input' && l.id !== network.output);
    const weighted = network.layers.filter(isWeighted);
    cases.push(
      {
        name: `${network.name}: logits match the reference forward pass`,
        run: () =>
          withEvaluator(network, async (e) => {
            check(e.specificationVersion === 'v1', `specificationVersion is '${e.specificationVersion}', expected 'v1'`);
            const got = await e.run({ inputs, count });
            const want = referenceForward(network, { inputs, count });
            check(
              got.count === count && got.outputs === want.outputs,
              `count/outputs ${got.count}/${got.outputs}, expected ${count}/${want.outputs}`,
            );
            checkClose(got.logits, want.logits, tolerance, 'logits');
          }),
      },
      {
        name: `${network.name}: results do not depend on the batch size`,
        run: () =>
          withEvaluator(network, async (e) => {
            const whole = await e.run({ inputs, count });
            const batched = await e.run({ inputs, count, batchSize: 2 });
            checkClose(batched.logits, whole.logits, tolerance, 'logits with batchSize 2');
          }),
      },
      {
        name: `${network.name}: captured activations match the reference`,
        run: () =>
          withEvaluator(network, async (e) => {
            const capture = hidden.map((l) => l.id);
            const got = await e.run({ inputs, count, capture });
            const want = referenceForward(network, { inputs, count, capture });
            for (const id of capture) {
              const g = got.activations.get(id);
              check(g, `no activations returned for layer '${id}'`);
              const w = want.activations.get(id)!;
              check(g.shape.join() === w.shape.join(), `layer '${id}' activation shape [${g.shape}] ≠ [${w.shape}]`);
              checkClose(g.data, w.data, tolerance, `activations of '${id}'`);
            }
          }),
      },
      {
        name: `${network.name}: unit masks silence exactly the masked units`,
        run: () =>
          withEvaluator(network, async (e) => {
            const masks = hidden
              .filter((l) => l.kind === 'activation' || l.kind === 'conv2d' || l.kind === 'dense')
              .slice(0, 2)
              .map((l) => {
                const mask = new Float32Array(l.units).fill(1);
                for (let u = 0; u < l.units; u += 2) mask[u] = 0;
                return { layer: l.id, mask };
              });
            check(masks.length > 0, 'network has no maskable layer');
            const got = await e.run({ inputs, count, masks });
            const want = referenceForward(network, { inputs, count, masks });
            checkClose(got.logits, want.logits, tolerance, 'logits with masks');
            const plain = await e.run({ inputs, count });
            checkClose(
              plain.logits,
              referenceForward(network, { inputs, count }).logits,
              tolerance,
              'logits after a masked run (masks must not persist)',
            );
          }),
      },
      {
        name: `${network.name}: weight edits apply to one run and leave the network untouched`,
        run: () =>
          withEvaluator(network, async (e) => {
            const target = weighted[0]!;
            const before = target.kernel.slice();
            const kernel = target.kernel.map((v, i) => (i % 3 === 0 ? 0 : v * 1.5));
            const bias = new Float32Array(target.units).fill(0.25);
            const edits = [{ layer: target.id, kernel, bias }];
            const got = await e.run({ inputs, count, edits });
            checkClose(got.logits, referenceForward(network, { inputs, count, edits }).logits, tolerance, 'logits with edits');
            checkClose(target.kernel, before, 0, 'the network kernel after an edit');
            const plain = await e.run({ inputs, count });
            checkClose(
              plain.logits,
              referenceForward(network, { inputs, count }).logits,
              tolerance,
              'logits after an edited run (edits must not persist)',
            );
          }),
      },
      {
        name: `${network.name}: inputs of the wrong size give a shape-mismatch error`,
        run: () =>
          withEvaluator(network, (e) =>
            checkRejects(() => e.run({ inputs: inputs.subarray(1), count }), 'shape-mismatch', 'run with one value missing'),
          ),
      },
    );
  }
  return cases;
}
