// A two-task MLP trained so that its modules should follow the tasks (method §8): each training example
// carries one task-A and one task-B example side by side (the input halves are disjoint), two softmax
// heads answer both, and magnitude pruning (0.5 → 0.9, polynomial, power 3, masks held) with decoupled
// weight decay removes the weights that nothing needs. A plain jointly trained net shares hidden units
// between the tasks and does not split (see the issue-3 notes); this recipe does.
import type { Layer, Network } from '@modscope/core';
import { twoTaskDataset, type TwoTaskDataset } from '@modscope/datasets';
import * as tf from '@tensorflow/tfjs';

export interface TwoTaskModular {
  network: Network;
  /** Unpaired test split: each example belongs to one task, the other half is zeros. */
  test: TwoTaskDataset;
  taskOfInput: Int32Array;
  taskOfClass: Int32Array;
}

export interface TwoTaskOptions {
  seed?: number;
  hidden?: number[];
  noise?: number;
  epochs?: number;
  pruneEpochs?: number;
  rampEpochs?: number;
  sparsity?: number;
  learningRate?: number;
  batchSize?: number;
  weightDecay?: number;
}

/** Pairs the i-th task-A example with the i-th task-B example; one-hot targets for both. */
function paired(data: TwoTaskDataset): { x: Float32Array; y: Float32Array; count: number } {
  const d = data.inputShape[0]!;
  const byTask: number[][] = [[], []];
  for (let n = 0; n < data.count; n++) byTask[data.taskOfExample[n]!]!.push(n);
  const count = Math.min(byTask[0]!.length, byTask[1]!.length);
  const x = new Float32Array(count * d);
  const y = new Float32Array(count * data.classes);
  for (let i = 0; i < count; i++) {
    for (const t of [0, 1]) {
      const n = byTask[t]![i]!;
      for (let j = 0; j < d; j++) x[i * d + j]! += data.inputs[n * d + j]!;
      y[i * data.classes + data.labels[n]!] = 1;
    }
  }
  return { x, y, count };
}

function magnitudeMasks(weights: tf.Variable[], sparsity: number): tf.Tensor[] {
  return weights.map((w) => {
    const v = w.dataSync();
    const order = Array.from(v.keys()).sort((a, b) => Math.abs(v[a]!) - Math.abs(v[b]!) || a - b);
    const mask = new Float32Array(v.length).fill(1);
    for (let i = 0; i < Math.round(sparsity * v.length); i++) mask[order[i]!] = 0;
    return tf.tensor(mask, w.shape);
  });
}

export async function trainTwoTaskModular(options: TwoTaskOptions = {}): Promise<TwoTaskModular> {
  const { seed = 0, hidden = [64, 64], noise = 0.3, epochs = 15, pruneEpochs = 10, rampEpochs = 7, sparsity = 0.9 } = options;
  const { learningRate = 0.01, batchSize = 64, weightDecay = 0.5 } = options;
  const train = twoTaskDataset({ count: 4000, seed, noise, split: 'train' });
  const nIn = train.inputShape[0]!;
  const nOut = train.classes;
  const ka = train.classesPerTask[0];
  const data = paired(train);
  const x = tf.tensor2d(data.x, [data.count, nIn]);
  const y = tf.tensor2d(data.y, [data.count, nOut]);
  const sizes = [nIn, ...hidden, nOut];
  const weights = sizes
    .slice(1)
    .map((n, l) => tf.variable(tf.initializers.glorotUniform({ seed: seed * 1000 + l + 1 }).apply([sizes[l]!, n]) as tf.Tensor));
  const biases = sizes.slice(1).map((n) => tf.variable(tf.zeros([n])));
  const forward = (input: tf.Tensor): tf.Tensor => {
    let h = input;
    weights.forEach((w, l) => {
      h = tf.add(tf.matMul(h, w), biases[l]!);
      if (l < weights.length - 1) h = tf.relu(h);
    });
    return h;
  };
  const optimizer = tf.train.adam(learningRate);
  const steps = Math.ceil(data.count / batchSize);
  const pruneStart = epochs * steps;
  const pruneEnd = (epochs + rampEpochs) * steps;
  const pruneEvery = Math.max(1, Math.floor(steps / 4));
  let masks: tf.Tensor[] | null = null;
  const prune = (s: number) => {
    for (const m of masks ?? []) m.dispose();
    masks = magnitudeMasks(weights, s);
    tf.tidy(() => {
      for (const [l, w] of weights.entries()) w.assign(tf.mul(w, masks![l]!));
    });
  };
  let step = 0;
  for (let e = 0; e < epochs + pruneEpochs; e++) {
    for (let s = 0; s < steps; s++, step++) {
      if (step >= pruneStart && step <= pruneEnd && (step - pruneStart) % pruneEvery === 0) {
        const t = (step - pruneStart) / (pruneEnd - pruneStart);
        prune(sparsity + (0.5 - sparsity) * (1 - t) ** 3);
      }
      const start = s * batchSize;
      const size = Math.min(batchSize, data.count - start);
      optimizer.minimize(() => {
        const out = forward(x.slice([start, 0], [size, nIn]));
        const target = y.slice([start, 0], [size, nOut]);
        return tf.add(
          tf.losses.softmaxCrossEntropy(target.slice([0, 0], [size, ka]), out.slice([0, 0], [size, ka])),
          tf.losses.softmaxCrossEntropy(target.slice([0, ka], [size, nOut - ka]), out.slice([0, ka], [size, nOut - ka])),
        ) as tf.Scalar;
      });
      tf.tidy(() => {
        for (const [l, w] of weights.entries()) {
          w.assign(masks ? tf.mul(tf.mul(w, 1 - learningRate * weightDecay), masks[l]!) : tf.mul(w, 1 - learningRate * weightDecay));
        }
      });
    }
  }
  prune(sparsity);
  const layers: Layer[] = [{ kind: 'input', id: 'input', name: 'input', inputs: [], units: nIn, outputShape: [nIn] }];
  let previous = 'input';
  weights.forEach((w, l) => {
    const id = `dense${l + 1}`;
    const units = sizes[l + 1]!;
    layers.push({
      kind: 'dense',
      id,
      name: id,
      inputs: [previous],
      units,
      outputShape: [units],
      kernel: Float32Array.from(w.dataSync()),
      kernelShape: [sizes[l]!, units],
      bias: Float32Array.from(biases[l]!.dataSync()),
    });
    previous = id;
    if (l < weights.length - 1) {
      layers.push({
        kind: 'activation',
        id: `relu${l + 1}`,
        name: `relu${l + 1}`,
        inputs: [id],
        units,
        outputShape: [units],
        activation: 'relu',
      });
      previous = `relu${l + 1}`;
    }
  });
  for (const t of [...weights, ...biases, x, y, ...(masks ?? [])]) t.dispose();
  optimizer.dispose();
  return {
    network: { specificationVersion: 'v1', name: 'two-task-modular', layout: 'flat', layers, output: previous },
    test: twoTaskDataset({ count: 2000, seed, noise, split: 'test' }),
    taskOfInput: train.taskOfInput,
    taskOfClass: train.taskOfClass,
  };
}

/** Accuracy per task, each read out by argmax over that task's own classes (the network has one head per task). */
export function withinTaskAccuracy(logits: Float32Array, test: TwoTaskDataset): [number, number] {
  const outputs = test.classes;
  const correct = [0, 0];
  const total = [0, 0];
  for (let n = 0; n < test.count; n++) {
    const task = test.taskOfExample[n]!;
    let best = -1;
    for (let c = 0; c < outputs; c++) {
      if (test.taskOfClass[c] === task && (best < 0 || logits[n * outputs + c]! > logits[n * outputs + best]!)) best = c;
    }
    total[task]!++;
    if (best === test.labels[n]) correct[task]!++;
  }
  return [correct[0]! / total[0]!, correct[1]! / total[1]!];
}
