import { createLazyLoader, createLoaderRegistry, type LoadedModel } from '@modscope/core';

/**
 * The loaders the CLI knows, asked in order. Name lookup lives here, at the app edge. Each plugin is
 * imported only when a path reaches it: inspecting an ONNX file never loads TF.js.
 */
export const loaders = createLoaderRegistry([
  createLazyLoader('onnx', async () => (await import('@modscope/loader-onnx')).onnxLoader),
  createLazyLoader('tfjs-layers', async () => (await import('@modscope/loader-tfjs')).tfjsLoader),
]);

export function loadModel(path: string): Promise<LoadedModel> {
  return loaders.load(path);
}
