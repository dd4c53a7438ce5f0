import type { ModelLoader } from './interfaces/loader.js';

/**
 * A loader that imports its implementation the first time it is asked anything, so a registry can name
 * every format it knows while a run pays only for the loaders its path reaches (an ONNX file never
 * imports the TF.js loader and its runtime). `name` is known before the import, for error messages.
 */
export function createLazyLoader(name: string, importLoader: () => Promise<ModelLoader>): ModelLoader {
  let loader: Promise<ModelLoader> | undefined;
  const get = () => {
    // a failed import is not cached: the next question tries again
    loader ??= importLoader().catch((error: unknown) => {
      loader = undefined;
      throw error;
    });
    return loader;
  };
  return {
    specificationVersion: 'v1',
    name,
    async canLoad(path) {
      return (await get()).canLoad(path);
    },
    async load(path, options) {
      return (await get()).load(path, options);
    },
  };
}
