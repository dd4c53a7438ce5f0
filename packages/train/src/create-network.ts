import { createRandom, InvalidArgumentError, validateNetwork, type Layer, type Network, type Random } from '@modscope/core';

export interface CreateNetworkOptions {
  /** (number, default 0) — seed of the Glorot-uniform initialization: the same seed gives the same weights. */
  seed?: number;
  /** (string, default the architecture) — the network's name. */
  name?: string;
  /** (`[h, w, c]`, default `[28, 28, 1]`) — `cnn-small` only: the image shape. */
  inputShape?: [number, number, number];
  /** (number, default 10) — `cnn-small` only: the number of classes. */
  classes?: number;
}

/** The named architectures besides `'a-b-…-z'` MLP strings. */
export const ARCHITECTURES: readonly string[] = Object.freeze(['cnn-small']);

const pkg = '@modscope/train';

function unknownArch(arch: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'arch',
    message: `${pkg}: unknown architecture '${arch}'.`,
    hint: `Use a dense ReLU MLP written as layer sizes joined by '-' (e.g. '784-256-256-256-256-10') or one of: ${ARCHITECTURES.join(', ')}.`,
  });
}

/** Glorot-uniform values in [−limit, limit), limit = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(random: Random, size: number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * random.next() - 1) * limit;
  return out;
}

function mlp(sizes: number[], random: Random): Layer[] {
  const layers: Layer[] = [{ kind: 'input', id: 'input', name: 'input', inputs: [], units: sizes[0]!, outputShape: [sizes[0]!] }];
  let previous = 'input';
  for (let l = 1; l < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l - 1]!, sizes[l]!];
    const id = `dense${l}`;
    layers.push({
      kind: 'dense',
      id,
      name: id,
      inputs: [previous],
      units: fanOut,
      outputShape: [fanOut],
      kernel: glorotUniform(random.fork(l), fanIn * fanOut, fanIn, fanOut),
      kernelShape: [fanIn, fanOut],
      bias: new Float32Array(fanOut),
    });
    previous = id;
    if (l < sizes.length - 1) {
      layers.push({
        kind: 'activation',
        id: `relu${l}`,
        name: `relu${l}`,
        inputs: [id],
        units: fanOut,
        outputShape: [fanOut],
        activation: 'relu',
      });
      previous = `relu${l}`;
    }
  }
  return layers;
}

function cnnSmall(inputShape: [number, number, number], classes: number, random: Random): Layer[] {
  const [h, w, c] = inputShape;
  const layers: Layer[] = [{ kind: 'input', id: 'input', name: 'input', inputs: [], units: c, outputShape: [h, w, c] }];
  let shape: [number, number, number] = [h, w, c];
  let previous = 'input';
  let stream = 0;
  const add = (layer: Layer) => {
    layers.push(layer);
    previous = layer.id;
  };
  const conv = (id: string, filters: number) => {
    const [ih, iw, cin] = shape;
    if (ih < 3 || iw < 3)
      throw new InvalidArgumentError({
        argument: 'inputShape',
        message: `${pkg}: cnn-small needs images of at least 10×10, got ${h}×${w}.`,
      });
    shape = [ih - 2, iw - 2, filters];
    add({
      kind: 'conv2d',
      id,
      name: id,
      inputs: [previous],
      units: filters,
      outputShape: [...shape],
      kernel: glorotUniform(random.fork(++stream), 9 * cin * filters, 9 * cin, 9 * filters),
      kernelShape: [3, 3, cin, filters],
      bias: new Float32Array(filters),
      strides: [1, 1],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      groups: 1,
    });
  };
  const relu = (id: string) =>
    add({
      kind: 'activation',
      id,
      name: id,
      inputs: [previous],
      units: shape[shape.length - 1]!,
      outputShape: [...shape],
      activation: 'relu',
    });
  const pool = (id: string) => {
    shape = [Math.floor(shape[0] / 2), Math.floor(shape[1] / 2), shape[2]];
    add({
      kind: 'pool',
      id,
      name: id,
      inputs: [previous],
      units: shape[2],
      outputShape: [...shape],
      mode: 'max',
      global: false,
      size: [2, 2],
      strides: [2, 2],
      pads: [0, 0, 0, 0],
    });
  };
  const dense = (id: string, units: number, fanIn: number) =>
    add({
      kind: 'dense',
      id,
      name: id,
      inputs: [previous],
      units,
      outputShape: [units],
      kernel: glorotUniform(random.fork(++stream), fanIn * units, fanIn, units),
      kernelShape: [fanIn, units],
      bias: new Float32Array(units),
    });
  conv('conv1', 16);
  relu('relu1');
  pool('pool1');
  conv('conv2', 32);
  relu('relu2');
  pool('pool2');
  const flat = shape[0] * shape[1] * shape[2];
  if (flat === 0)
    throw new InvalidArgumentError({ argument: 'inputShape', message: `${pkg}: cnn-small needs images of at least 10×10, got ${h}×${w}.` });
  add({ kind: 'flatten', id: 'flatten', name: 'flatten', inputs: [previous], units: flat, outputShape: [flat] });
  dense('dense1', 64, flat);
  add({ kind: 'activation', id: 'relu3', name: 'relu3', inputs: [previous], units: 64, outputShape: [64], activation: 'relu' });
  dense('dense2', classes, 64);
  return layers;
}

function positiveInteger(argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({ argument, message: `${pkg}: ${argument} must be a positive integer, got ${value}.` });
  }
}

/**
 * A freshly initialized network. `arch` is an MLP written as its layer sizes (`'784-256-256-256-256-10'`:
 * dense layers with ReLU between them and logits at the end, layout `flat`) or `'cnn-small'` (layout
 * `nhwc`: conv 3×3×16, ReLU, max-pool 2, conv 3×3×32, ReLU, max-pool 2, flatten, dense 64, ReLU, dense
 * classes). Kernels are Glorot-uniform drawn from `createRandom(seed)` (one forked stream per layer),
 * biases zero. The output layer gives logits (no softmax).
 */
export function createNetwork(arch: string, options: CreateNetworkOptions = {}): Network {
  const seed = options.seed ?? 0;
  const random = createRandom(seed);
  let layers: Layer[];
  let layout: Network['layout'];
  if (arch === 'cnn-small') {
    const inputShape = options.inputShape ?? [28, 28, 1];
    const classes = options.classes ?? 10;
    if (!Array.isArray(inputShape) || inputShape.length !== 3) {
      throw new InvalidArgumentError({
        argument: 'inputShape',
        message: `${pkg}: cnn-small needs an image shape [h, w, c], got ${JSON.stringify(inputShape)}.`,
      });
    }
    for (const d of inputShape) positiveInteger('inputShape', d);
    positiveInteger('classes', classes);
    layers = cnnSmall(inputShape, classes, random);
    layout = 'nhwc';
  } else if (/^\d+(-\d+)+$/.test(arch)) {
    const sizes = arch.split('-').map(Number);
    if (sizes.some((s) => s < 1)) {
      throw new InvalidArgumentError({
        argument: 'arch',
        message: `${pkg}: architecture '${arch}' has a layer of size 0.`,
        hint: 'Every layer needs at least one unit.',
      });
    }
    layers = mlp(sizes, random);
    layout = 'flat';
  } else {
    throw unknownArch(arch);
  }
  const network: Network = {
    specificationVersion: 'v1',
    name: options.name ?? arch,
    layout,
    layers,
    output: layers[layers.length - 1]!.id,
    source: { format: 'modscope-train' },
  };
  const problems = validateNetwork(network);
  if (problems.length > 0) throw new Error(`${pkg}: internal error, built an invalid network: ${problems.join('; ')}`);
  return network;
}
