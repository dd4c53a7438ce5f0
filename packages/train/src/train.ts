import type { LabelledExamples, Network } from '@modscope/core';
import { runTraining } from './training-loop.js';
import type { TrainOptions, TrainResult } from './train-options.js';

/**
 * Trains a network (usually fresh from `createNetwork`) on labelled data in its input layout and returns a
 * trained copy with the per-epoch history. Softmax cross-entropy (or one per head) plus the chosen
 * penalties, minimized with Adam or SGD on tfjs; every random choice (shuffling, dropout, module
 * assignment, eigensolver) comes from `createRandom(seed)`, so the same seed and options give
 * bit-identical weights on the same backend. Convolutional networks train on the selected backend, wasm
 * included (their gradients are im2col and matMul); `backend` says which ran.
 */
export function train<E = unknown>(network: Network, data: LabelledExamples, options: TrainOptions<E> = {}): Promise<TrainResult<E>> {
  return runTraining(network, data, options, 'train');
}
