import * as tf from '@tensorflow/tfjs';
import { registerWasmConvGradients, selectBackend } from '@modscope/tfjs-runtime';

/**
 * Runs `work` (which must return no tensors) in an engine scope on the backend the application selected
 * (see `selectBackend` of `@modscope/tfjs-runtime`), and returns the name of that backend. On wasm, the
 * input gradient of a convolution goes through tfjs's fused conv gradient, which computes the filter
 * gradient too: `registerWasmConvGradients` (which `selectBackend` calls when it loads wasm, and which
 * is called again here for a backend set by hand) gives wasm the kernels it lacks for that.
 */
export async function onGradientBackend<T>(work: () => T): Promise<{ value: T; backend: string }> {
  await selectBackend();
  registerWasmConvGradients();
  tf.engine().startScope();
  try {
    return { value: work(), backend: tf.getBackend() };
  } finally {
    tf.engine().endScope();
  }
}
