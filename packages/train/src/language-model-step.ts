import * as tf from '@tensorflow/tfjs';
import { createRandom, transformerView, type Network, type Random } from '@modscope/core';
import { disposeWeights } from '@modscope/tfjs-runtime';
import { nextTokenLoss } from './language-model-data.js';
import type { ParameterMask } from './language-model-masks.js';
import { createLanguageModelParams, languageModelLogits, maskedVariable, type LanguageModelParams } from './language-model-params.js';
import { createFlatOptimizer } from './flat-optimizer.js';
import { runFloat32Kernel, uploadFloat32 } from './run-float32-kernel.js';
import { fusedLanguageModelGradients } from './language-model-fused-step.js';

/** What one training step does besides the forward pass: the same in every thread that trains. */
export interface LanguageModelStepSettings {
  optimizer: 'adamw' | 'adam' | 'sgd';
  momentum: number;
  /** AdamW's decoupled decay (0 for Adam and SGD). */
  weightDecay: number;
  /** The gradient's global L2 norm is clipped to this (0: no clipping). */
  clipNorm: number;
  l1: number;
  l2: number;
  /** Dropout rate on the MLP neurons (0: none). */
  dropout: number;
  /** Seed of the dropout masks: window w of step s draws from `createRandom(seed).fork(s).fork(w)`. */
  dropoutSeed: number;
  /** Parameters held at zero (mask held). */
  parameterMasks: readonly ParameterMask[];
}

/** A share of one batch: `count` windows starting at window `first` of a batch of `total`. */
export interface BatchShare {
  inputs: Int32Array;
  targets: Int32Array;
  count: number;
  first: number;
  total: number;
  /** Steps done before this one (keys the dropout masks). */
  step: number;
  /** Whether this share adds the L1/L2 penalty (exactly one share of a batch does). */
  penalty: boolean;
}

/** A share's contribution to the batch's statistics. */
export interface ShareStatistics {
  /** Mean next-token loss of the share's windows times their count. */
  loss: number;
  penalty: number;
  correct: number;
}

/**
 * The parameters of a language model in training with the two halves of a step: the gradient of a share
 * of the batch, and the update from the whole batch's gradient. Gradients travel as one flat float32
 * array (the variables in order), so that the threads of data-parallel training can add them up.
 */
export interface LanguageModelStep {
  params: LanguageModelParams;
  /** Floats in a gradient array. */
  size: number;
  /** Writes into `out` the gradient of the share's part of the batch loss (its mean × count / total, plus the penalty if asked). */
  gradients(share: BatchShare, out: Float32Array): ShareStatistics;
  /** One update from the batch's gradient: clipping by global norm, then `createFlatOptimizer` (decay, step, held masks). */
  apply(gradient: Float32Array, learningRate: number): void;
  dispose(): void;
}

/**
 * The step of `network` (as training starts: clusterable initialization and held masks already applied).
 * Gradients come from `fusedLanguageModelGradients` where it applies (`fused: false`: never), else from
 * tfjs's autodiff of the forward pass.
 */
export function createLanguageModelStep(
  network: Network,
  settings: LanguageModelStepSettings,
  options: { fused?: boolean } = {},
): LanguageModelStep {
  const view = transformerView(network);
  const mlpKernels = view.blocks.flatMap((b) => [b.mlpIn.id, b.mlpOut.id]);
  const dropoutAt = new Set(view.blocks.map((b) => b.activation.id));
  const params = createLanguageModelParams(network);
  const offsets: number[] = [];
  let size = 0;
  for (const v of params.variables) {
    offsets.push(size);
    size += v.size;
  }
  const at = new Map(params.variables.map((v, i) => [v, offsets[i]!]));
  // the weights as one array, kept equal to the variables: the optimizer updates it, the variables are re-uploaded
  const weights = new Float32Array(size);
  params.variables.forEach((v, i) => {
    runFloat32Kernel([v], [], ([a]) => weights.set(a!, offsets[i]!));
  });
  let mask: Float32Array | null = null;
  for (const m of settings.parameterMasks) {
    mask ??= new Float32Array(size).fill(1);
    mask.set(m.mask, at.get(maskedVariable(params, m))!);
  }
  const optimizer = createFlatOptimizer({
    name: settings.optimizer === 'sgd' ? 'sgd' : 'adam',
    size,
    momentum: settings.momentum,
    epsilon: 1e-8,
    weightDecay: settings.weightDecay,
    decayed: [...params.decayed].map((v) => [at.get(v)!, at.get(v)! + v.size] as const),
    mask,
  });
  const dropoutRoot = createRandom(settings.dropoutSeed);
  const { l1, l2 } = settings;

  /**
   * Inverted dropout masks of the share's windows, one layer after another (`size` values each: the share's
   * windows in order), each window's part from its own generator.
   */
  const dropoutMasks = (share: BatchShare) => {
    if (!(settings.dropout > 0)) return null;
    const rate = settings.dropout;
    const keep = 1 / (1 - rate);
    const windows: Random[] = [];
    const stepRoot = dropoutRoot.fork(share.step);
    for (let w = 0; w < share.count; w++) windows.push(stepRoot.fork(share.first + w));
    return (size: number): Float32Array => {
      const kept = new Float32Array(size);
      const per = size / share.count;
      for (let w = 0; w < share.count; w++) {
        const random = windows[w]!;
        for (let i = w * per; i < (w + 1) * per; i++) kept[i] = random.next() < rate ? 0 : keep;
      }
      return kept;
    };
  };
  /** The dropout of the forward pass's hooks: a value times its mask. */
  const dropoutFor = (share: BatchShare) => {
    const masks = dropoutMasks(share);
    if (!masks) return undefined;
    return (value: tf.Tensor): tf.Tensor => tf.mul(value, tf.tensor(masks(value.size), value.shape));
  };
  const fused = options.fused === false ? null : fusedLanguageModelGradients(network, params, (v) => at.get(v)!);
  const penaltyKernels = mlpKernels.map((id) => {
    const v = params.weights.weights.get(id)!.kernel;
    return [at.get(v)!, v.size] as const;
  });

  return {
    params,
    size,
    gradients(share, out) {
      if (fused) {
        const { loss, correct } = fused(share, dropoutMasks(share), out);
        let penalty = 0;
        if (share.penalty && (l1 > 0 || l2 > 0)) {
          // l1·Σ|w| + l2·Σw² over the MLP kernels, and its gradient l1·sign(w) + 2·l2·w
          for (const [from, n] of penaltyKernels) {
            for (let i = from; i < from + n; i++) {
              const w = weights[i]!;
              penalty += l1 * Math.abs(w) + l2 * w * w;
              out[i]! += l1 * Math.sign(w) + 2 * l2 * w;
            }
          }
        }
        return { loss, penalty, correct };
      }
      const length = share.inputs.length / share.count;
      return tf.tidy(() => {
        const x = tf.tensor2d(share.inputs, [share.count, length], 'int32');
        const y = tf.tensor1d(share.targets, 'int32');
        const dropout = dropoutFor(share);
        let kept: tf.Scalar[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const logits = languageModelLogits(network, params, x, share.count, dropout ? { dropout, dropoutAt } : {});
          const { loss, correct } = nextTokenLoss(logits, y);
          let penalty: tf.Scalar = tf.scalar(0);
          if (share.penalty) {
            for (const id of mlpKernels) {
              const kernel = params.weights.weights.get(id)!.kernel;
              if (l1 > 0) penalty = tf.add(penalty, tf.mul(l1, tf.sum(tf.abs(kernel))));
              if (l2 > 0) penalty = tf.add(penalty, tf.mul(l2, tf.sum(tf.square(kernel))));
            }
          }
          kept = [tf.keep(loss), tf.keep(penalty), tf.keep(correct)];
          const weighted = share.count === share.total ? loss : tf.mul(loss, share.count / share.total);
          return tf.add(weighted, penalty) as tf.Scalar;
        }, params.variables);
        value.dispose();
        params.variables.forEach((v, i) => {
          runFloat32Kernel([grads[v.name]!], [], ([g]) => out.set(g!, offsets[i]!));
        });
        const [loss, penalty, correct] = kept.map((t) => t.dataSync()[0]!) as [number, number, number];
        tf.dispose(kept);
        return { loss: loss * share.count, penalty, correct };
      });
    },
    apply(gradient, learningRate) {
      let scale = 1;
      if (settings.clipNorm > 0) {
        let squares = 0;
        for (let i = 0; i < size; i++) squares += gradient[i]! * gradient[i]!;
        const norm = Math.sqrt(squares);
        if (norm > settings.clipNorm) scale = settings.clipNorm / norm;
      }
      optimizer.update(weights, gradient, learningRate, scale);
      tf.tidy(() => {
        params.variables.forEach((v, i) => {
          v.assign(uploadFloat32(weights.subarray(offsets[i]!, offsets[i]! + v.size), v.shape));
        });
      });
    },
    dispose() {
      disposeWeights(params.weights);
    },
  };
}
