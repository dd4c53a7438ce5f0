import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, inputLayer, unitLayers, type ActivationPoint, type Network, type UnitLayer } from '@modscope/core';
import { tfjsLayerName, toTfjsModel } from '@modscope/tfjs-runtime';
import { entropyOf, softmaxEntropy } from './softmax-entropy.js';

/** The optimization settings shared by one batch of unit sets. */
export interface AscentSettings {
  steps: number;
  learningRate: number;
  l2: number;
  /** Clip range of every input value after each step, or null for none. */
  inputRange: readonly [number, number] | null;
  /** One example in the network's input layout: where every unit set starts. */
  start: Float32Array;
}

/** What gradient ascent reached for one unit set. */
interface AscentResult {
  image: Float32Array;
  /** Mean activation of the unit set at the start and at the optimized input. */
  startActivation: number;
  activation: number;
  softmax: Float32Array;
  entropy: number;
}

export interface Ascent {
  unitLayer: UnitLayer;
  /**
   * Optimizes one input per unit set, all in one batch (inputs do not interact: the objective is a sum
   * over examples and Adam works element-wise, so each input follows its own ascent).
   */
  run(sets: readonly Int32Array[], settings: AscentSettings): AscentResult[];
  dispose(): void;
}

function tfjsLayerFor(model: tf.LayersModel, network: Network, id: string): tf.layers.Layer {
  const name = tfjsLayerName(id);
  const clashes = network.layers.filter((l) => tfjsLayerName(l.id) === name).length;
  let layer: tf.layers.Layer | undefined;
  try {
    layer = model.getLayer(name);
  } catch {
    layer = undefined;
  }
  if (clashes !== 1 || !layer) {
    throw new InvalidArgumentError({
      argument: 'layer',
      message: `@modscope/feature-viz: cannot find the tfjs layer of '${id}' in the converted model (tfjs name '${name}' is ${clashes > 1 ? 'shared by several layer ids' : 'missing'}).`,
      hint: 'Give the network layer ids that stay distinct with only letters, digits and ._/- kept.',
    });
  }
  return layer;
}

/** Unit layer `id` of the network, or an InvalidArgumentError that lists the ones there are. */
export function findUnitLayer(network: Network, id: string): UnitLayer {
  const all = unitLayers(network);
  const found = all.find((u) => u.layer === id);
  if (!found) {
    const other = network.layers.find((l) => l.id === id);
    throw new InvalidArgumentError({
      argument: 'layer',
      message: `@modscope/feature-viz: ${other ? `layer '${id}' is a ${other.kind} layer, not a dense or conv2d layer with units` : `network '${network.name}' has no layer '${id}'`}.`,
      hint: `Use one of: ${all.map((u) => u.layer).join(', ') || '(none: the network has no dense or conv2d layers)'}.`,
    });
  }
  return found;
}

/** Checks a unit set against its layer: non-empty, integers in range, no repeats. */
export function checkUnits(unitLayer: UnitLayer, units: ArrayLike<number>, argument = 'units'): Int32Array {
  const fail = (message: string, hint: string) =>
    new InvalidArgumentError({ argument, message: `@modscope/feature-viz: ${message}`, hint });
  if (units.length === 0) throw fail(`the unit set of layer '${unitLayer.layer}' is empty.`, 'Pass at least one unit index.');
  const seen = new Set<number>();
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (!Number.isInteger(u) || u < 0 || u >= unitLayer.units) {
      throw fail(
        `unit ${u} is out of range for layer '${unitLayer.layer}', which has ${unitLayer.units} units.`,
        `Use unit indices 0..${unitLayer.units - 1}.`,
      );
    }
    if (seen.has(u)) throw fail(`unit ${u} of layer '${unitLayer.layer}' appears twice.`, 'Pass each unit once.');
    seen.add(u);
  }
  return Int32Array.from(units);
}

/**
 * Builds the tfjs model once for a unit layer and read point; `run` then optimizes batches of inputs.
 * Runs on the active tfjs backend.
 */
export function createAscent(network: Network, layer: string, point: ActivationPoint): Ascent {
  const unitLayer = findUnitLayer(network, layer);
  const inputShape = inputLayer(network).outputShape;
  const softmaxOutput = network.layers.find((l) => l.id === network.output)?.kind === 'softmax';
  const model = toTfjsModel(network);
  let probe: tf.LayersModel;
  try {
    const target = tfjsLayerFor(model, network, point === 'pre' ? unitLayer.pre : unitLayer.post);
    probe = tf.model({ inputs: model.inputs, outputs: [target.output as tf.SymbolicTensor, model.outputs[0]!] });
  } catch (error) {
    model.dispose();
    throw error;
  }

  /** Unit values `[batch, units]` (spatial mean for conv channels) and outputs `[batch, outputs]`. */
  const forward = (x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] => {
    const [values, outputs] = probe.apply(x, { training: false }) as [tf.Tensor, tf.Tensor];
    const units = (values.rank === 4 ? tf.mean(values, [1, 2]) : tf.reshape(values, [values.shape[0]!, -1])) as tf.Tensor2D;
    return [units, tf.reshape(outputs, [outputs.shape[0]!, -1]) as tf.Tensor2D];
  };

  const run = (sets: readonly Int32Array[], settings: AscentSettings): AscentResult[] => {
    const batch = sets.length;
    const weights = new Float32Array(batch * unitLayer.units);
    sets.forEach((set, b) => {
      for (const u of set) weights[b * unitLayer.units + u] = 1 / set.length;
    });
    const start = new Float32Array(batch * settings.start.length);
    for (let b = 0; b < batch; b++) start.set(settings.start, b * settings.start.length);
    const mask = tf.tensor2d(weights, [batch, unitLayer.units]);
    const x = tf.tidy(() => tf.variable(tf.tensor(start, [batch, ...inputShape]), true));
    const optimizer = tf.train.adam(settings.learningRate);
    const objective = () => tf.sum(tf.mul(forward(x)[0], mask), 1);
    try {
      const startActivation = tf.tidy(() => objective().dataSync().slice());
      for (let step = 0; step < settings.steps; step++) {
        optimizer.minimize(() => tf.sub(tf.mul(settings.l2, tf.sum(tf.square(x))), tf.sum(objective())) as tf.Scalar, false, [x]);
        const range = settings.inputRange;
        if (range) tf.tidy(() => x.assign(tf.clipByValue(x, range[0], range[1])));
      }
      const [activation, outputs] = tf.tidy(() => {
        const [units, outputs] = forward(x);
        return [tf.sum(tf.mul(units, mask), 1).dataSync().slice(), outputs.dataSync().slice()] as [Float32Array, Float32Array];
      });
      const image = x.dataSync() as Float32Array;
      const size = settings.start.length;
      const classes = outputs.length / batch;
      return sets.map((_, b) => {
        const row = outputs.subarray(b * classes, (b + 1) * classes);
        const { softmax, entropy } = softmaxOutput ? { softmax: row.slice(), entropy: entropyOf(row) } : softmaxEntropy(row);
        return {
          image: image.slice(b * size, (b + 1) * size),
          startActivation: startActivation[b]!,
          activation: activation[b]!,
          softmax,
          entropy,
        };
      });
    } finally {
      tf.dispose([mask, x]);
      optimizer.dispose();
    }
  };

  // The probe shares the model's layers: disposing the model releases their weights.
  return { unitLayer, run, dispose: () => model.dispose() };
}
