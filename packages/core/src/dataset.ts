import { ShapeMismatchError } from './errors.js';
import { inputLayer, shapeSize, type Network } from './network.js';

/**
 * A labelled dataset held in memory. Images are stored channels-last (`[height, width, channels]` per
 * example) and already scaled (usually to [0, 1]); tabular data has a one-dimensional `inputShape`.
 */
export interface Dataset {
  name: string;
  split?: string;
  count: number;
  /** Shape of one example, channels last for images. */
  inputShape: number[];
  /** `count × size(inputShape)` values, example-major. */
  inputs: Float32Array;
  labels: Int32Array;
  /** Number of classes; labels lie in [0, classes). */
  classes: number;
  classNames?: string[];
}

export interface PrepareInputsOptions {
  /** Per-channel (or single) mean and standard deviation: x → (x − mean) / std. */
  normalize?: { mean: number | number[]; std: number | number[] };
}

/**
 * Lays a dataset's examples out in the shape a network declares: flat `[784]`, NCHW `[1, 28, 28]`,
 * NHWC `[28, 28, 1]`, ... Channels-last images are transposed when the network is channels-first.
 * Throws a `ShapeMismatchError` naming both shapes when they cannot fit.
 */
export function prepareInputs(dataset: Dataset, network: Network, options: PrepareInputsOptions = {}): Float32Array {
  const target = inputLayer(network).outputShape;
  const per = shapeSize(dataset.inputShape);
  if (shapeSize(target) !== per) {
    throw new ShapeMismatchError({
      what: `the input of model '${network.name}' fed from dataset '${dataset.name}'`,
      expected: target,
      actual: dataset.inputShape,
      hint: 'Use a dataset whose examples have as many values as the model input, or a model made for this dataset.',
    });
  }
  const channels = dataset.inputShape.length === 3 ? dataset.inputShape[2]! : 1;
  const transpose = network.layout === 'nchw' && channels > 1 && target.length === 3;
  let out: Float32Array;
  if (transpose) {
    const [h, w] = dataset.inputShape as [number, number, number];
    out = new Float32Array(dataset.inputs.length);
    for (let n = 0; n < dataset.count; n++) {
      const base = n * per;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let c = 0; c < channels; c++) out[base + (c * h + y) * w + x] = dataset.inputs[base + (y * w + x) * channels + c]!;
    }
  } else {
    out = dataset.inputs.slice();
  }
  if (options.normalize) {
    const { mean, std } = options.normalize;
    const means = Array.isArray(mean) ? mean : [mean];
    const stds = Array.isArray(std) ? std : [std];
    if (means.length !== stds.length || (means.length !== 1 && means.length !== channels)) {
      throw new ShapeMismatchError({
        what: 'normalization mean/std',
        expected: `1 or ${channels} values`,
        actual: `${means.length} mean and ${stds.length} std values`,
      });
    }
    const spatial = per / channels;
    for (let i = 0; i < out.length; i++) {
      const within = i % per;
      const c = means.length === 1 ? 0 : transpose ? Math.floor(within / spatial) : within % channels;
      out[i] = (out[i]! - means[c]!) / stds[c]!;
    }
  }
  return out;
}

/** Copies examples `[start, end)` of a dataset. */
export function sliceDataset(dataset: Dataset, start: number, end: number): Dataset {
  const per = shapeSize(dataset.inputShape);
  const s = Math.max(0, start);
  const e = Math.min(dataset.count, end);
  return {
    ...dataset,
    count: Math.max(0, e - s),
    inputs: dataset.inputs.slice(s * per, e * per),
    labels: dataset.labels.slice(s, e),
  };
}

/** Copies the examples at `indices`, in that order. */
export function takeExamples(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const per = shapeSize(dataset.inputShape);
  const inputs = new Float32Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (!Number.isInteger(j) || j < 0 || j >= dataset.count) {
      throw new RangeError(`@modscope/core: example index ${j} is outside dataset '${dataset.name}' (0..${dataset.count - 1})`);
    }
    inputs.set(dataset.inputs.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = dataset.labels[j]!;
  }
  return { ...dataset, count: indices.length, inputs, labels };
}
