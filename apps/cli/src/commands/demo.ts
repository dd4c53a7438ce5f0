import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { twoTaskDataset } from '@modscope/datasets';
import { networkToOnnx } from '@modscope/loader-onnx';
import { fromTfjsModel, saveTfjsModel, selectBackend } from '@modscope/loader-tfjs';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../loaders.js';
import { percent, print, printJson, progress } from '../output.js';
import { evaluateModel, printEvaluation } from './evaluate.js';
import { printSummary, summarize } from './inspect.js';

export interface DemoOptions {
  out: string;
  seed: number;
  json?: boolean;
}

/**
 * The built-in default: a small MLP trained in seconds on synthetic two-task data (disjoint inputs and
 * outputs per task, so the modular ground truth is known), exported to ONNX and TF.js, then loaded back
 * through the loaders and inspected and evaluated as any user model would be.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const log = options.json ? () => {} : print;
  const backend = await selectBackend();
  log(`tfjs backend: ${backend.name}${backend.reason ? ` (${backend.reason})` : ''}`);

  const train = twoTaskDataset({ count: 4000, seed: options.seed, split: 'train' });
  const test = twoTaskDataset({ count: 2000, seed: options.seed, split: 'test' });
  const features = train.inputShape[0]!;
  log(`data: synthetic two-task, ${train.count} train / ${test.count} test examples, ${features} inputs, ${train.classes} classes`);

  const init = (offset: number) => tf.initializers.glorotUniform({ seed: options.seed * 1000 + offset });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [features], units: 32, activation: 'relu', kernelInitializer: init(1), name: 'hidden1' }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(2), name: 'hidden2' }),
      tf.layers.dense({ units: train.classes, kernelInitializer: init(3), name: 'logits' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
  const x = tf.tensor2d(train.inputs, [train.count, features]);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), train.classes);
  const epochs = 15;
  const bar = progress('training', { quiet: options.json });
  let loss = Number.NaN;
  await model.fit(x, y, {
    epochs,
    batchSize: 64,
    shuffle: false, // the dataset is already in seeded random order; tfjs's own shuffle is not seeded
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        loss = logs?.loss ?? Number.NaN;
        bar.update(epoch + 1, epochs);
      },
    },
  });
  bar.stop();
  x.dispose();
  y.dispose();
  log(`trained ${epochs} epochs, final loss ${loss.toFixed(4)}`);

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const network = fromTfjsModel(model, { name: 'demo-two-task-mlp' });
  const onnxPath = join(out, 'model.onnx');
  writeFileSync(onnxPath, networkToOnnx(network));
  await saveTfjsModel(model, join(out, 'tfjs'));
  model.dispose();
  log(`wrote ${onnxPath} and ${join(out, 'tfjs', 'model.json')}`);

  const loaded = await loadModel(onnxPath);
  const summary = summarize(loaded);
  const evaluation = await evaluateModel(loaded, test, { json: options.json });
  // Accuracy per task: the ground truth the later analyses should find as modules.
  const tasks = [...new Set(test.taskOfClass)].map((task) => {
    const classes = [...test.taskOfClass.keys()].filter((c) => test.taskOfClass[c] === task);
    let correct = 0;
    let total = 0;
    for (const c of classes) {
      const row = evaluation.confusion[c]!;
      correct += row[c]!;
      total += row.reduce((a, b) => a + b, 0);
    }
    return { task, classes, accuracy: total ? correct / total : Number.NaN };
  });

  if (options.json) {
    printJson({ backend: backend.name, out, model: summary, evaluation, tasks });
    return;
  }
  print();
  printSummary(summary);
  print();
  printEvaluation(evaluation);
  print();
  for (const t of tasks) print(`task ${t.task} (classes ${t.classes.join(', ')}): accuracy ${percent(t.accuracy)}`);
}
