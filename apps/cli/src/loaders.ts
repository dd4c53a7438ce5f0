import { createLoaderRegistry, type LoadedModel } from '@modscope/core';
import { onnxLoader } from '@modscope/loader-onnx';
import { tfjsLoader } from '@modscope/loader-tfjs';

/** The loaders the CLI knows, asked in order. Name lookup lives here, at the app edge. */
export const loaders = createLoaderRegistry([onnxLoader, tfjsLoader]);

export function loadModel(path: string): Promise<LoadedModel> {
  return loaders.load(path);
}
