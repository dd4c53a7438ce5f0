import { NoHandlerError } from './errors.js';
import type { LoadedModel, LoadOptions, ModelLoader } from './interfaces/loader.js';

export interface LoaderRegistry {
  readonly loaders: readonly ModelLoader[];
  /** The first loader that can load `path`, or undefined. */
  find(path: string): Promise<ModelLoader | undefined>;
  /** Loads `path` with the first loader that can; throws `NoHandlerError` when none can. */
  load(path: string, options?: LoadOptions): Promise<LoadedModel>;
}

/** An explicit registry of loaders, asked in order. */
export function createLoaderRegistry(loaders: readonly ModelLoader[]): LoaderRegistry {
  const find = async (path: string) => {
    for (const loader of loaders) if (await loader.canLoad(path)) return loader;
    return undefined;
  };
  return {
    loaders,
    find,
    async load(path, options) {
      const loader = await find(path);
      if (!loader) {
        throw new NoHandlerError({
          kind: 'model loader',
          source: path,
          tried: loaders.map((l) => l.name),
          hint: 'Pass an ONNX file (.onnx) or a TF.js LayersModel (model.json with its weight files).',
        });
      }
      return loader.load(path, options);
    },
  };
}
