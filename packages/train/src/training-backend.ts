import * as tf from '@tensorflow/tfjs';
import type { Network } from '@modscope/core';
import { selectBackend, type BackendName } from '@modscope/tfjs-runtime';
import { gradientKernels } from './forward-pass.js';

export interface TrainingBackend {
  /** The tfjs backend the training ran on. */
  name: string;
  /** Why: the application's selection, or the kernel the selected backend lacks. */
  reason: string;
  /** Switches back to the backend that was active before, where training had to change it. */
  restore(): Promise<void>;
}

/**
 * The backend to train `network` on: the one `selectBackend` of `@modscope/tfjs-runtime` chose (or
 * `requested`), unless it lacks a kernel the backward pass needs (`gradientKernels`): then on cpu, a switch
 * `restore` undoes. Convolutional networks train on wasm: their gradients need no kernel wasm lacks.
 */
export async function trainingBackend(network: Network, requested: BackendName | 'auto' = 'auto'): Promise<TrainingBackend> {
  const selection = await selectBackend(requested === 'auto' ? {} : { backend: requested });
  const active = tf.getBackend();
  const missing = gradientKernels(network).filter((k) => tf.getKernel(k, active) === undefined);
  if (missing.length === 0 || active === 'cpu') {
    return { name: active, reason: selection.reason, restore: async () => {} };
  }
  await tf.setBackend('cpu');
  return {
    name: 'cpu',
    reason: `the ${active} backend has no ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''}, which training this network needs; trained on cpu`,
    restore: async () => {
      await tf.setBackend(active);
    },
  };
}
