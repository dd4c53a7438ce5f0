import { createRandom, type Random } from '../random.js';
import type { ActivationFunction, DataLayout, DenseLayer, EmbeddingLayer, Layer, Network } from '../network.js';
import { languageModelNetwork, type LanguageModelWeightRole } from '../language-model-network.js';

function randn(rng: Random, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

function spatialShape(layout: DataLayout, c: number, h: number, w: number): number[] {
  return layout === 'nhwc' ? [h, w, c] : [c, h, w];
}

/** Builds the layers of a dense stack; weights either given or drawn from `rng`. */
function denseStack(sizes: readonly number[], rng: Random, activation: ActivationFunction, kernels?: readonly Float32Array[]): Layer[] {
  const layers: Layer[] = [{ kind: 'input', id: 'input', name: 'input', inputs: [], units: sizes[0]!, outputShape: [sizes[0]!] }];
  let previous = 'input';
  for (let l = 1; l < sizes.length; l++) {
    const fanIn = sizes[l - 1]!;
    const fanOut = sizes[l]!;
    const id = `dense${l}`;
    layers.push({
      kind: 'dense',
      id,
      name: id,
      inputs: [previous],
      units: fanOut,
      outputShape: [fanOut],
      kernel: kernels?.[l - 1] ?? randn(rng, fanIn * fanOut, Math.sqrt(2 / fanIn)),
      kernelShape: [fanIn, fanOut],
      bias: kernels ? null : randn(rng, fanOut, 0.1),
    });
    previous = id;
    if (l < sizes.length - 1) {
      layers.push({ kind: 'activation', id: `act${l}`, name: `act${l}`, inputs: [id], units: fanOut, outputShape: [fanOut], activation });
      previous = `act${l}`;
    }
  }
  return layers;
}

/** A small MLP (default 6-8-7-3, ReLU) with seeded weights. */
export function tinyMlp(options: { sizes?: number[]; seed?: number; activation?: ActivationFunction } = {}): Network {
  const sizes = options.sizes ?? [6, 8, 7, 3];
  const layers = denseStack(sizes, createRandom(options.seed ?? 1), options.activation ?? 'relu');
  return { specificationVersion: 'v1', name: 'tiny-mlp', layout: 'flat', layers, output: layers[layers.length - 1]!.id };
}

/**
 * A small CNN: conv 3×3 (pad 1) → batch norm → ReLU → max pool 2 → conv 3×3 → ReLU → flatten → dense,
 * on 1×8×8 inputs, in either layout.
 */
export function tinyCnn(options: { layout?: 'nchw' | 'nhwc'; seed?: number } = {}): Network {
  const layout = options.layout ?? 'nchw';
  const rng = createRandom(options.seed ?? 2);
  const s = (c: number, h: number, w: number) => spatialShape(layout, c, h, w);
  const layers: Layer[] = [
    { kind: 'input', id: 'input', name: 'input', inputs: [], units: 1, outputShape: s(1, 8, 8) },
    {
      kind: 'conv2d',
      id: 'conv1',
      name: 'conv1',
      inputs: ['input'],
      units: 4,
      outputShape: s(4, 8, 8),
      kernel: randn(rng, 3 * 3 * 1 * 4, 0.5),
      kernelShape: [3, 3, 1, 4],
      bias: randn(rng, 4, 0.1),
      strides: [1, 1],
      pads: [1, 1, 1, 1],
      dilations: [1, 1],
      groups: 1,
    },
    {
      kind: 'batchnorm',
      id: 'bn1',
      name: 'bn1',
      inputs: ['conv1'],
      units: 4,
      outputShape: s(4, 8, 8),
      gamma: randn(rng, 4, 0.3).map((v) => 1 + v),
      beta: randn(rng, 4, 0.1),
      mean: randn(rng, 4, 0.1),
      variance: randn(rng, 4, 0.2).map((v) => 1 + Math.abs(v)),
      epsilon: 1e-5,
    },
    { kind: 'activation', id: 'relu1', name: 'relu1', inputs: ['bn1'], units: 4, outputShape: s(4, 8, 8), activation: 'relu' },
    {
      kind: 'pool',
      id: 'pool1',
      name: 'pool1',
      inputs: ['relu1'],
      units: 4,
      outputShape: s(4, 4, 4),
      mode: 'max',
      global: false,
      size: [2, 2],
      strides: [2, 2],
      pads: [0, 0, 0, 0],
    },
    {
      kind: 'conv2d',
      id: 'conv2',
      name: 'conv2',
      inputs: ['pool1'],
      units: 6,
      outputShape: s(6, 2, 2),
      kernel: randn(rng, 3 * 3 * 4 * 6, 0.3),
      kernelShape: [3, 3, 4, 6],
      bias: randn(rng, 6, 0.1),
      strides: [1, 1],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      groups: 1,
    },
    { kind: 'activation', id: 'relu2', name: 'relu2', inputs: ['conv2'], units: 6, outputShape: s(6, 2, 2), activation: 'relu' },
    { kind: 'flatten', id: 'flatten', name: 'flatten', inputs: ['relu2'], units: 24, outputShape: [24] },
    {
      kind: 'dense',
      id: 'fc',
      name: 'fc',
      inputs: ['flatten'],
      units: 3,
      outputShape: [3],
      kernel: randn(rng, 24 * 3, 0.3),
      kernelShape: [24, 3],
      bias: randn(rng, 3, 0.1),
    },
  ];
  return { specificationVersion: 'v1', name: `tiny-cnn-${layout}`, layout, layers, output: 'fc' };
}

/**
 * A small residual CNN: conv → ReLU → conv → batch norm → add (skip) → ReLU → global average pool →
 * dense → softmax, on 2×6×6 inputs.
 */
export function tinyResidualCnn(options: { layout?: 'nchw' | 'nhwc'; seed?: number } = {}): Network {
  const layout = options.layout ?? 'nchw';
  const rng = createRandom(options.seed ?? 3);
  const s = (c: number, h: number, w: number) => spatialShape(layout, c, h, w);
  const conv = (id: string, input: string, cin: number, cout: number): Layer => ({
    kind: 'conv2d',
    id,
    name: id,
    inputs: [input],
    units: cout,
    outputShape: s(cout, 6, 6),
    kernel: randn(rng, 9 * cin * cout, 0.4),
    kernelShape: [3, 3, cin, cout],
    bias: randn(rng, cout, 0.1),
    strides: [1, 1],
    pads: [1, 1, 1, 1],
    dilations: [1, 1],
    groups: 1,
  });
  const layers: Layer[] = [
    { kind: 'input', id: 'input', name: 'input', inputs: [], units: 2, outputShape: s(2, 6, 6) },
    conv('conv1', 'input', 2, 4),
    { kind: 'activation', id: 'relu1', name: 'relu1', inputs: ['conv1'], units: 4, outputShape: s(4, 6, 6), activation: 'relu' },
    conv('conv2', 'relu1', 4, 4),
    {
      kind: 'batchnorm',
      id: 'bn2',
      name: 'bn2',
      inputs: ['conv2'],
      units: 4,
      outputShape: s(4, 6, 6),
      gamma: randn(rng, 4, 0.2).map((v) => 1 + v),
      beta: randn(rng, 4, 0.1),
      mean: randn(rng, 4, 0.1),
      variance: randn(rng, 4, 0.2).map((v) => 1 + Math.abs(v)),
      epsilon: 1e-5,
    },
    { kind: 'add', id: 'add', name: 'add', inputs: ['relu1', 'bn2'], units: 4, outputShape: s(4, 6, 6) },
    { kind: 'activation', id: 'relu2', name: 'relu2', inputs: ['add'], units: 4, outputShape: s(4, 6, 6), activation: 'relu' },
    {
      kind: 'pool',
      id: 'gap',
      name: 'gap',
      inputs: ['relu2'],
      units: 4,
      outputShape: [4],
      mode: 'avg',
      global: true,
      size: [6, 6],
      strides: [1, 1],
      pads: [0, 0, 0, 0],
    },
    {
      kind: 'dense',
      id: 'fc',
      name: 'fc',
      inputs: ['gap'],
      units: 3,
      outputShape: [3],
      kernel: randn(rng, 12, 0.5),
      kernelShape: [4, 3],
      bias: randn(rng, 3, 0.1),
    },
    { kind: 'softmax', id: 'softmax', name: 'softmax', inputs: ['fc'], units: 3, outputShape: [3] },
  ];
  return { specificationVersion: 'v1', name: `tiny-residual-cnn-${layout}`, layout, layers, output: 'softmax' };
}

/**
 * The two hand-checkable networks of the method (§3): MLPs with the given weight matrices (row = unit of
 * layer l, column = unit of layer l+1), no biases, and their expected n-cut for the given labels.
 */
export function methodExample(which: 1 | 2): { network: Network; labels: Int32Array; expectedNcut: number } {
  const spec =
    which === 1
      ? {
          w: [
            [
              [12, -1.3],
              [0, 7.4],
            ],
            [
              [-8.9, 0.15],
              [0.23, -5.7],
            ],
          ],
          labels: [0, 1, 0, 1, 0, 1],
          ncut: 0.0989,
        }
      : {
          w: [
            [
              [5.4, 0.03, 0, 0],
              [0, 0, -0.4, 5.5],
              [-12, 0, 4.8, -0.07],
              [0, 6.3, 0.001, 7],
            ],
            [
              [-13.3, -0.4, 6, 0.1],
              [0.7, -8, 0, -5.8],
              [7.4, 0.3, -15, 0],
              [0, 0, 0, -12.3],
            ],
          ],
          labels: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
          ncut: 0.0372,
        };
  const sizes = [spec.w[0]!.length, ...spec.w.map((m) => m[0]!.length)];
  const kernels = spec.w.map((m) => Float32Array.from(m.flat()));
  const layers = denseStack(sizes, createRandom(0), 'relu', kernels);
  return {
    network: { specificationVersion: 'v1', name: `method-example-${which}`, layout: 'flat', layers, output: layers[layers.length - 1]!.id },
    labels: Int32Array.from(spec.labels),
    expectedNcut: spec.ncut,
  };
}

/**
 * A planted modular MLP: `modules` independent MLPs of widths `sizes` side by side. Weights inside a
 * module are drawn as in `tinyMlp`; weights across modules are those draws times `cross` (default 0:
 * fully separate modules). `moduleOf(layerIndex, unit)` gives the planted module of each unit.
 */
export function modularMlp(options: { modules?: number; sizes?: number[]; cross?: number; seed?: number } = {}): {
  network: Network;
  /** Planted module of each unit, per node layer (input first), in unit order. */
  modules: Int32Array[];
} {
  const m = options.modules ?? 2;
  const sizes = (options.sizes ?? [8, 16, 16, 4]).map((s) => s * m);
  const cross = options.cross ?? 0;
  const rng = createRandom(options.seed ?? 3);
  const layers = denseStack(sizes, rng, 'relu');
  const moduleOfUnit = (width: number, unit: number) => Math.floor((unit * m) / width);
  for (const layer of layers) {
    if (layer.kind !== 'dense') continue;
    const [fanIn, fanOut] = layer.kernelShape;
    for (let r = 0; r < fanIn; r++) {
      for (let c = 0; c < fanOut; c++) {
        if (moduleOfUnit(fanIn, r) !== moduleOfUnit(fanOut, c)) layer.kernel[r * fanOut + c]! *= cross;
      }
    }
  }
  const modules = sizes.map((width) => Int32Array.from({ length: width }, (_, u) => moduleOfUnit(width, u)));
  return {
    network: { specificationVersion: 'v1', name: `modular-mlp-${m}`, layout: 'flat', layers, output: layers[layers.length - 1]!.id },
    modules,
  };
}

export interface TinyLanguageModelOptions {
  vocabulary?: number;
  context?: number;
  width?: number;
  heads?: number;
  blocks?: number;
  /** MLP neurons per block (default 4 × width). */
  neurons?: number;
  activation?: ActivationFunction;
  /** Tie the unembedding to the token table. */
  tied?: boolean;
  seed?: number;
}

/**
 * A GPT-style decoder-only transformer with random weights (method §9): embedding with learned positions,
 * pre-LN blocks with causal attention and an MLP, a final LayerNorm and the unembedding. Layer ids follow
 * `block{b}.{ln1, attention, attention.out, attention.residual, ln2, mlp.in, mlp.act, mlp.out, mlp.residual}`.
 */
export function tinyLanguageModel(options: TinyLanguageModelOptions = {}): Network {
  const { vocabulary = 11, context = 8, width = 8, heads = 2, blocks = 2, activation = 'gelu', tied = false, seed = 0 } = options;
  const neurons = options.neurons ?? 4 * width;
  const rng = createRandom(seed);
  const scales: Record<LanguageModelWeightRole, (fanIn: number) => number> = {
    tokens: () => 0.5,
    positions: () => 0.2,
    gamma: () => 0.1,
    beta: () => 0.1,
    query: (fanIn) => 1 / Math.sqrt(fanIn),
    key: (fanIn) => 1 / Math.sqrt(fanIn),
    value: (fanIn) => 1 / Math.sqrt(fanIn),
    queryBias: () => 0.05,
    keyBias: () => 0.05,
    valueBias: () => 0.05,
    kernel: (fanIn) => 1 / Math.sqrt(fanIn),
    bias: () => 0.05,
  };
  const network = languageModelNetwork(
    'tiny-lm',
    { vocabulary, context, width, heads, blocks, neurons, activation },
    (role, _layer, n, fanIn) => {
      const values = randn(rng, n, scales[role](fanIn));
      if (role === 'gamma') for (let i = 0; i < n; i++) values[i]! += 1;
      return values;
    },
  );
  if (tied) {
    const tokens = (network.layers.find((l) => l.kind === 'embedding') as EmbeddingLayer).tokens;
    const unembedding = network.layers.at(-1) as DenseLayer;
    for (let i = 0; i < width; i++) for (let t = 0; t < vocabulary; t++) unembedding.kernel[i * vocabulary + t] = tokens[t * width + i]!;
    unembedding.bias = null;
    unembedding.tiedTo = 'embedding';
  }
  return network;
}
