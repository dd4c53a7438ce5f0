import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@modscope/tfjs-runtime';

function isMissingKernel(error: unknown): boolean {
  return error instanceof Error && /not registered for backend/.test(error.message);
}

/** Runs `work` in an engine scope, so the tensors of an attempt that throws are released too. */
function scoped<T>(work: () => T): T {
  tf.engine().startScope();
  try {
    return work();
  } finally {
    tf.engine().endScope();
  }
}

/**
 * Runs `work` (which must return no tensors) on the backend the application selected (see
 * `selectBackend` of `@modscope/tfjs-runtime`). Where that backend lacks a kernel the input gradient
 * needs, runs it again on the cpu backend and switches back afterwards. This is the case for every
 * convolution on wasm: tfjs layers compute convolutions with the fused op, whose gradient always
 * computes the filter gradient too (`Conv2DBackpropFilter`, which wasm lacks), although wasm has
 * `Conv2DBackpropInput`. Returns the name of the backend that did the work.
 */
export async function onGradientBackend<T>(work: () => T): Promise<{ value: T; backend: string }> {
  await selectBackend();
  const active = tf.getBackend();
  try {
    return { value: scoped(work), backend: active };
  } catch (error) {
    if (active === 'cpu' || !isMissingKernel(error)) throw error;
  }
  await tf.setBackend('cpu');
  try {
    return { value: scoped(work), backend: 'cpu' };
  } finally {
    await tf.setBackend(active);
  }
}
