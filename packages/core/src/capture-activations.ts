import { InvalidArgumentError } from './errors.js';
import type { Evaluator, UnitMask, WeightEdit } from './interfaces/evaluator.js';
import { inputSize, type Network } from './network.js';
import { getUnitLayer, type ActivationPoint, type UnitLayer } from './unit-layers.js';

export interface CaptureUnitActivationsOptions {
  /** `count × inputSize` values in the network's input layout (see `prepareInputs`). */
  inputs: Float32Array;
  count: number;
  /** Ids of the dense or conv2d layers whose units to read (see `unitLayers`). */
  layers: readonly string[];
  /** Read before or after the activation function (default `post`). */
  point?: ActivationPoint;
  /** How a conv channel's spatial map becomes one value per example (default `mean`). */
  reduce?: 'mean' | 'max';
  /** Examples per evaluator call (default 500). Only one batch of full activations is held at a time. */
  batchSize?: number;
  edits?: readonly WeightEdit[];
  masks?: readonly UnitMask[];
  onProgress?: (done: number, total: number) => void;
}

/** One value per unit and example: `data[example * units + unit]`. */
export interface UnitActivations {
  layer: string;
  units: number;
  count: number;
  point: ActivationPoint;
  data: Float32Array;
}

export interface CaptureUnitActivationsResult {
  activations: UnitActivations[];
  /** The network's outputs on the same inputs, `count × outputs`. */
  logits: Float32Array;
  outputs: number;
}

/** Reduces one example's layer output to a value per unit, for flat, NCHW or NHWC outputs. */
function reduceExample(
  source: Float32Array,
  offset: number,
  size: number,
  units: number,
  channelsLast: boolean,
  reduce: 'mean' | 'max',
  target: Float32Array,
  targetOffset: number,
): void {
  const spatial = size / units;
  if (spatial === 1) {
    for (let u = 0; u < units; u++) target[targetOffset + u] = source[offset + u]!;
    return;
  }
  for (let u = 0; u < units; u++) {
    let acc = reduce === 'max' ? -Infinity : 0;
    for (let s = 0; s < spatial; s++) {
      const v = source[offset + (channelsLast ? s * units + u : u * spatial + s)]!;
      acc = reduce === 'max' ? Math.max(acc, v) : acc + v;
    }
    target[targetOffset + u] = reduce === 'max' ? acc : acc / spatial;
  }
}

/**
 * Runs a network over inputs in batches and keeps one value per unit and example for each named layer
 * (conv channels reduced over space), never holding more than one batch of full layer outputs.
 */
export async function captureUnitActivations(
  evaluator: Evaluator,
  options: CaptureUnitActivationsOptions,
): Promise<CaptureUnitActivationsResult> {
  const network: Network = evaluator.network;
  const { inputs, count, point = 'post', reduce = 'mean' } = options;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError({ argument: 'batchSize', message: `batchSize must be a positive whole number, got ${batchSize}.` });
  }
  if (options.layers.length === 0) {
    throw new InvalidArgumentError({
      argument: 'layers',
      message: 'No layers to capture.',
      hint: 'Name at least one dense or conv2d layer (see unitLayers).',
    });
  }
  const targets: UnitLayer[] = options.layers.map((id) => getUnitLayer(network, id, 'layers'));
  const readFrom = targets.map((t) => (point === 'pre' ? t.pre : t.post));
  const per = inputSize(network);
  const activations: UnitActivations[] = targets.map((t) => ({
    layer: t.layer,
    units: t.units,
    count,
    point,
    data: new Float32Array(count * t.units),
  }));
  let logits = new Float32Array(0);
  let outputs = 0;
  const channelsLast = network.layout === 'nhwc';
  for (let start = 0; start < count || (count === 0 && start === 0); start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const result = await evaluator.run({
      inputs: inputs.subarray(start * per, (start + n) * per),
      count: n,
      capture: [...new Set(readFrom)],
      ...(options.edits ? { edits: options.edits } : {}),
      ...(options.masks ? { masks: options.masks } : {}),
    });
    if (start === 0) {
      outputs = result.outputs;
      logits = new Float32Array(count * outputs);
    }
    logits.set(result.logits, start * outputs);
    targets.forEach((t, i) => {
      const captured = result.activations.get(readFrom[i]!);
      if (!captured) throw new Error(`@modscope/core: evaluator '${evaluator.name}' did not return layer '${readFrom[i]}'`);
      const size = captured.data.length / Math.max(n, 1);
      const out = activations[i]!;
      for (let e = 0; e < n; e++)
        reduceExample(captured.data, e * size, size, t.units, channelsLast, reduce, out.data, (start + e) * t.units);
    });
    options.onProgress?.(start + n, count);
    if (count === 0) break;
  }
  return { activations, logits, outputs };
}
