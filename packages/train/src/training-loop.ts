import * as tf from '@tensorflow/tfjs';
import {
  cloneNetwork,
  createRandom,
  InvalidArgumentError,
  inputSize,
  unitLayers,
  type LabelledExamples,
  type Network,
} from '@modscope/core';
import { clusterableInit } from './clusterable-init.js';
import { crossEntropy, headMask } from './cross-entropy.js';
import { dropoutWith } from './dropout.js';
import { evaluateParams } from './evaluate.js';
import { createParams, disposeParams, forwardLogits, readNetwork, variablesOf, type Params } from './forward-pass.js';
import { resolveMasks } from './held-masks.js';
import { createOptimizer, learningRateAt } from './optimizer.js';
import { magnitudeMask, polynomialSparsity, PRUNE_DEFAULTS, type PruneOptions } from './prune-schedule.js';
import { checkSpectralOptions, consumerRows, normalizeParams, spectralPenalty, spectralVectors } from './spectral-regularizer.js';
import { spectralLayout } from './spectral-layout.js';
import { checkData, checkHeads, headOfLabels } from './training-data.js';
import { trainingBackend } from './training-backend.js';
import { checkOptions, TRAIN_DEFAULTS, type HistoryEntry, type TrainOptions, type TrainResult } from './train-options.js';

/** Independent random streams, so adding one feature does not change the draws of another. */
const STREAM = { shuffle: 1, dropout: 2, modules: 3, eigen: 4 } as const;

/** Copies the examples at `order[start, end)` into one batch. */
function gather(data: LabelledExamples, per: number, order: Uint32Array, start: number, end: number): { x: Float32Array; y: Int32Array } {
  const n = end - start;
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[start + i]!;
    x.set(data.inputs.subarray(j * per, (j + 1) * per), i * per);
    y[i] = data.labels[j]!;
  }
  return { x, y };
}

interface PruneState {
  layers: string[];
  schedule: { from: number; to: number; startStep: number; endStep: number; power: number };
  frequency: number;
  done: boolean;
}

/** The training loop of `train` and `fineTune` (`mode` says which: only `train` may re-initialize). */
export async function runTraining<E>(
  network: Network,
  data: LabelledExamples,
  options: TrainOptions<E>,
  mode: 'train' | 'fine-tune',
): Promise<TrainResult<E>> {
  checkOptions(options as TrainOptions<unknown>);
  const outputs = checkData(network, data);
  const heads = options.loss === 'multi-head' ? checkHeads(options.heads, outputs) : null;
  const headOf = headOfLabels(data.labels, heads);
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  const root = createRandom(seed);
  const batchSize = options.batchSize ?? TRAIN_DEFAULTS.batchSize;
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const totalSteps = options.steps ?? (options.epochs ?? (mode === 'train' ? TRAIN_DEFAULTS.epochs : 1)) * stepsPerEpoch;
  const optimizerName = options.optimizer ?? TRAIN_DEFAULTS.optimizer;
  const baseRate = options.learningRate ?? TRAIN_DEFAULTS.learningRate[optimizerName];
  const schedule = options.schedule ?? TRAIN_DEFAULTS.schedule;
  const dropout = options.dropout ?? 0;
  const l1 = options.l1 ?? 0;
  const l2 = options.l2 ?? 0;
  const evaluateEvery = options.evaluateEvery ?? 0;

  // The starting weights: a copy, optionally with clusterable initialization, with held masks applied.
  let start = cloneNetwork(network);
  let modules: TrainResult['modules'];
  if (options.clusterableInit) {
    if (mode !== 'train')
      throw new InvalidArgumentError({
        argument: 'clusterableInit',
        message: '@modscope/train: fineTune starts from the given weights; clusterable initialization belongs to train.',
      });
    const init = clusterableInit(start, {
      ...(options.clusterableInit === true ? {} : options.clusterableInit),
      seed: root.fork(STREAM.modules).seed,
    });
    start = init.network;
    modules = init.modules;
  }
  const held = resolveMasks(start, options.masks ?? []);
  const spectral = options.spectralRegularizer
    ? checkSpectralOptions(options.spectralRegularizer === true ? {} : options.spectralRegularizer)
    : null;
  const layout = spectral ? spectralLayout(start) : null;
  let prune: PruneState | null = null;
  if (options.prune !== undefined) {
    const p: PruneOptions = typeof options.prune === 'number' ? { sparsity: options.prune } : options.prune;
    const to = p.sparsity ?? PRUNE_DEFAULTS.sparsity;
    const epochs = totalSteps / stepsPerEpoch;
    const startStep = Math.min(totalSteps, Math.round((p.startEpoch ?? 0) * stepsPerEpoch));
    const endEpoch = p.endEpoch ?? (totalSteps >= 2 * stepsPerEpoch ? epochs - 1 : epochs);
    const endStep = Math.max(startStep, Math.min(totalSteps, Math.round(endEpoch * stepsPerEpoch)));
    const skip = new Set(p.skip ?? []);
    const layers = start.layers.filter((l) => (l.kind === 'dense' || l.kind === 'conv2d') && !skip.has(l.id)).map((l) => l.id);
    prune = {
      layers,
      schedule: { from: p.from ?? Math.min(PRUNE_DEFAULTS.from, to), to, startStep, endStep, power: p.power ?? PRUNE_DEFAULTS.power },
      frequency: p.frequency ?? PRUNE_DEFAULTS.frequency,
      done: false,
    };
  }

  const backend = await trainingBackend(start, options.backend);
  const began = performance.now();
  const params: Params = createParams(start);
  const variables = variablesOf(params);
  const optimizer = createOptimizer({ name: optimizerName, momentum: options.momentum ?? TRAIN_DEFAULTS.momentum });
  /** Per layer, the kernel and bias masks training holds (held masks combined with pruning masks). */
  const kernelMasks = new Map<string, { data: Float32Array; tensor: tf.Tensor }>();
  const biasMasks = new Map<string, tf.Tensor>();
  const rows = layout ? consumerRows(layout) : new Map<string, tf.Tensor1D>();
  let vectors: tf.Tensor2D[] | null = null;
  let eigenvalues: number[] | undefined;
  const eigenRandom = root.fork(STREAM.eigen);
  const dropoutAt = new Set(
    unitLayers(start)
      .filter((u) => u.hidden)
      .map((u) => u.post),
  );
  const drop = dropout > 0 ? dropoutWith(root.fork(STREAM.dropout), dropout) : undefined;
  const per = inputSize(start);
  const history: HistoryEntry[] = [];
  const evaluations: TrainResult<E>['evaluations'] = [];

  const setKernelMask = (id: string, data: Float32Array) => {
    kernelMasks.get(id)?.tensor.dispose();
    kernelMasks.set(id, { data, tensor: tf.tensor(data, params.weights.get(id)!.kernel.shape) });
  };
  const applyMasks = () =>
    tf.tidy(() => {
      for (const [id, mask] of kernelMasks) {
        const v = params.weights.get(id)!.kernel;
        v.assign(tf.mul(v, mask.tensor));
      }
      for (const [id, mask] of biasMasks) {
        const v = params.weights.get(id)!.bias!;
        v.assign(tf.mul(v, mask));
      }
    });
  const pruneAt = (step: number) => {
    if (!prune || prune.done) return;
    const { startStep, endStep } = prune.schedule;
    if (step < startStep || step > endStep) return;
    if ((step - startStep) % prune.frequency !== 0 && step !== endStep) return;
    const sparsity = polynomialSparsity(step, prune.schedule);
    for (const id of prune.layers) {
      const kernel = params.weights.get(id)!.kernel.dataSync() as Float32Array;
      setKernelMask(id, magnitudeMask(kernel, sparsity, kernelMasks.get(id)?.data));
    }
    applyMasks();
    if (step === endStep) prune.done = true;
  };
  const recomputeVectors = () => {
    if (!layout || !spectral) return;
    const kernels = new Map(layout.blocks.map((b) => [b.layer, params.weights.get(b.layer)!.kernel.dataSync() as Float32Array]));
    const result = spectralVectors(start, layout, spectral.m, eigenRandom, kernels);
    if (vectors) tf.dispose(vectors);
    vectors = result ? layout.nodeLayers.map((n, l) => tf.tensor2d(result.vectors[l]!, [n.units, spectral.m])) : null;
    eigenvalues = result ? [...result.eigenvalues] : new Array<number>(spectral.m + 1).fill(0);
  };

  let step = 0;
  let epoch = 0;
  const evaluateState = async () => {
    if (!options.onEvaluate) return;
    const value = await options.onEvaluate({
      step,
      epoch,
      network: () => readNetwork(start, params),
      evaluate: (d: LabelledExamples) => {
        const o = checkData(start, d, 'evaluation data');
        return evaluateParams(start, params, d, heads, o);
      },
    });
    evaluations.push({ step, epoch, value });
  };

  try {
    for (const [id, mask] of held) {
      if (mask.kernel) setKernelMask(id, mask.kernel);
      if (mask.bias) biasMasks.set(id, tf.tensor1d(mask.bias));
    }
    applyMasks();
    if (layout) normalizeParams(start, layout, params, rows);
    await evaluateState();
    let lastEvaluated = 0;
    while (step < totalSteps) {
      epoch++;
      const order = new Uint32Array(data.count);
      for (let i = 0; i < order.length; i++) order[i] = i;
      root.fork(STREAM.shuffle).fork(epoch).shuffle(order);
      let lossSum = 0;
      let penaltySum = 0;
      let correct = 0;
      let seen = 0;
      let batches = 0;
      for (let b = 0; b < stepsPerEpoch && step < totalSteps; b++) {
        options.signal?.throwIfAborted();
        pruneAt(step);
        if (spectral && step % spectral.every === 0) recomputeVectors();
        const lo = b * batchSize;
        const hi = Math.min(data.count, lo + batchSize);
        const n = hi - lo;
        const batch = gather(data, per, order, lo, hi);
        const maskData = heads
          ? headMask(
              heads,
              Int32Array.from(order.subarray(lo, hi), (j) => headOf[j]!),
              outputs,
            )
          : null;
        const lr = learningRateAt(baseRate, schedule, step, totalSteps);
        const [ce, pen, hits] = tf.tidy(() => {
          const x = tf.tensor2d(batch.x, [n, per]);
          const y = tf.tensor1d(batch.y, 'int32');
          const mask = maskData ? tf.tensor2d(maskData, [n, outputs]) : null;
          let kept: tf.Scalar[] = [];
          const { value, grads } = tf.variableGrads(() => {
            const logits = forwardLogits(start, params, x, n, drop ? { dropout: drop, dropoutAt } : {});
            const { loss, correct: c } = crossEntropy(logits, y, mask);
            let penalty: tf.Scalar = tf.scalar(0);
            for (const { kernel } of params.weights.values()) {
              if (l1 > 0) penalty = tf.add(penalty, tf.mul(l1, tf.sum(tf.abs(kernel))));
              if (l2 > 0) penalty = tf.add(penalty, tf.mul(l2, tf.sum(tf.square(kernel))));
            }
            if (layout && spectral && vectors)
              penalty = tf.add(penalty, spectralPenalty(layout, params, vectors, spectral.lambda, spectral.m));
            kept = [tf.keep(loss), tf.keep(penalty), tf.keep(c)];
            return tf.add(loss, penalty) as tf.Scalar;
          }, variables);
          optimizer.apply(new Map(variables.map((v) => [v, grads[v.name]!])), lr);
          value.dispose();
          const read = kept.map((t) => t.dataSync()[0]!) as [number, number, number];
          tf.dispose(kept);
          return read;
        });
        applyMasks();
        if (layout) normalizeParams(start, layout, params, rows);
        step++;
        batches++;
        lossSum += ce;
        penaltySum += pen;
        correct += hits;
        seen += n;
        options.onProgress?.({ epoch, step, steps: totalSteps, loss: lossSum / batches, accuracy: correct / seen });
        if (evaluateEvery > 0 && step % evaluateEvery === 0) {
          await evaluateState();
          lastEvaluated = step;
        }
      }
      history.push({
        epoch,
        step,
        loss: lossSum / batches,
        accuracy: correct / seen,
        ...(l1 > 0 || l2 > 0 || spectral ? { penalty: penaltySum / batches } : {}),
      });
    }
    pruneAt(step);
    if (options.onEvaluate && lastEvaluated !== step && step > 0) await evaluateState();
    const trained = readNetwork(start, params);
    const result: TrainResult<E> = {
      network: trained,
      history,
      backend: backend.name,
      backendReason: backend.reason,
      seconds: (performance.now() - began) / 1000,
      steps: step,
      evaluations,
      ...(modules ? { modules } : {}),
    };
    if (prune) {
      result.sparsity = Object.fromEntries(
        prune.layers.map((id) => {
          const layer = trained.layers.find((l) => l.id === id)!;
          const kernel = (layer as { kernel: Float32Array }).kernel;
          let zeros = 0;
          for (let i = 0; i < kernel.length; i++) if (kernel[i] === 0) zeros++;
          return [id, zeros / kernel.length];
        }),
      );
    }
    if (spectral) {
      recomputeVectors();
      if (eigenvalues) result.eigenvalues = eigenvalues;
    }
    return result;
  } finally {
    tf.dispose(kernelMasks.size ? [...kernelMasks.values()].map((m) => m.tensor) : []);
    tf.dispose([...biasMasks.values(), ...rows.values()]);
    if (vectors) tf.dispose(vectors);
    optimizer.dispose();
    disposeParams(params);
    await backend.restore();
  }
}
