import type { ModelLoader } from '../interfaces/loader.js';
import { inputSize, isWeighted, validateNetwork } from '../network.js';
import { createRandom } from '../random.js';
import { check, checkClose, checkRejects, type ConformanceCase } from './conformance-case.js';
import { referenceForward } from './reference-forward.js';

export interface LoaderConformanceOptions {
  loader: ModelLoader;
  /** A model file the loader must load. */
  validPath: string;
  /** An existing file of another format, which `canLoad` must decline. */
  foreignPath: string;
  /** A path that does not exist. */
  missingPath: string;
  /** Largest allowed difference between the loader's own engine and the reference forward pass. */
  tolerance?: number;
}

/**
 * Checks a `ModelLoader`: routing (`canLoad`), a valid network representation, the missing-file error,
 * and that the loader's representation computes what its own engine computes.
 */
export function loaderConformanceCases(options: LoaderConformanceOptions): ConformanceCase[] {
  const { loader } = options;
  const tolerance = options.tolerance ?? 1e-4;
  return [
    {
      name: `${loader.name}: declares specification v1 and a name`,
      run: async () => {
        check(loader.specificationVersion === 'v1', `specificationVersion is '${loader.specificationVersion}'`);
        check(typeof loader.name === 'string' && loader.name.length > 0, 'loader has no name');
      },
    },
    {
      name: `${loader.name}: canLoad accepts its format and declines others`,
      run: async () => {
        check(await loader.canLoad(options.validPath), `canLoad('${options.validPath}') is false`);
        check(!(await loader.canLoad(options.foreignPath)), `canLoad('${options.foreignPath}') is true for a foreign file`);
      },
    },
    {
      name: `${loader.name}: load gives a valid network`,
      run: async () => {
        const model = await loader.load(options.validPath);
        const problems = validateNetwork(model.network);
        check(problems.length === 0, `invalid network: ${problems.join('; ')}`);
        check(model.network.specificationVersion === 'v1', 'network specificationVersion is not v1');
        check(model.network.layers.some(isWeighted), 'network has no weighted layer');
      },
    },
    {
      name: `${loader.name}: a missing file gives a missing-file error`,
      run: () => checkRejects(() => loader.load(options.missingPath), 'missing-file', `load('${options.missingPath}')`),
    },
    {
      name: `${loader.name}: the representation computes what the loader's engine computes`,
      run: async () => {
        const model = await loader.load(options.validPath);
        const evaluator = await model.createEvaluator();
        try {
          const count = 4;
          const rng = createRandom(11);
          const inputs = new Float32Array(count * inputSize(model.network));
          for (let i = 0; i < inputs.length; i++) inputs[i] = rng.next();
          const got = await evaluator.run({ inputs, count });
          checkClose(got.logits, referenceForward(model.network, { inputs, count }).logits, tolerance, 'engine vs representation');
        } finally {
          await evaluator.dispose();
        }
      },
    },
  ];
}
