import { ShapeMismatchError } from '../errors.js';
import type { EvaluateRequest, EvaluateResult, Activations, Evaluator } from '../interfaces/evaluator.js';
import { checkEvaluateRequest } from '../evaluate-request.js';
import { cloneNetwork, getLayer, inputSize, shapeSize, type DataLayout, type Layer, type Network } from '../network.js';

/** Index helpers for a per-example tensor of rank 3 in a layout. */
function spatial(shape: readonly number[], layout: DataLayout) {
  if (shape.length !== 3) throw new RangeError(`expected a rank-3 activation, got [${shape.join(', ')}]`);
  const [a, b, c] = shape as [number, number, number];
  const [C, H, W] = layout === 'nhwc' ? [c, a, b] : [a, b, c];
  const at =
    layout === 'nhwc'
      ? (ch: number, y: number, x: number) => (y * W + x) * C + ch
      : (ch: number, y: number, x: number) => (ch * H + y) * W + x;
  return { C, H, W, at };
}

/** Channel (or unit) of each element of a per-example output. */
function channelOf(layer: Layer, layout: DataLayout): (i: number) => number {
  const shape = layer.outputShape;
  if (layout === 'sequence') {
    const width = shape[shape.length - 1] ?? 1;
    if (layer.kind === 'attention') return (i) => Math.floor((i % width) / layer.headSize);
    return (i) => i % width;
  }
  if (shape.length !== 3) return (i) => i;
  const { C, H, W } = spatial(shape, layout);
  return layout === 'nhwc' ? (i) => i % C : (i) => Math.floor(i / (H * W));
}

/** `[positions, fanIn] · [fanIn, fanOut] + bias` at every position (one position for flat layouts). */
function affine(x: Float32Array, kernel: Float32Array, bias: Float32Array | null, fanIn: number, fanOut: number): Float32Array {
  const positions = x.length / fanIn;
  const y = new Float32Array(positions * fanOut);
  for (let p = 0; p < positions; p++)
    for (let j = 0; j < fanOut; j++) {
      let s = bias ? bias[j]! : 0;
      for (let i = 0; i < fanIn; i++) s += x[p * fanIn + i]! * kernel[i * fanOut + j]!;
      y[p * fanOut + j] = s;
    }
  return y;
}

/** The Gauss error function, to float32 precision (Abramowitz–Stegun 7.1.26 is too coarse; this is a series/continued fraction). */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t > 6) return Math.sign(x);
  if (t < 2.5) {
    // Maclaurin series: converges quickly for |x| < 2.5 in double precision.
    let sum = 0;
    let term = t;
    for (let n = 0; n < 80; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-t * t) / (n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  // Continued fraction for erfc at larger |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

function activate(activation: string, v: number, alpha: number): number {
  switch (activation) {
    case 'relu':
      return Math.max(0, v);
    case 'leaky-relu':
      return v >= 0 ? v : alpha * v;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    case 'gelu':
      return 0.5 * v * (1 + erf(v / Math.SQRT2));
    case 'gelu-tanh':
      return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    default:
      return v;
  }
}

/** Causal multi-head self-attention of one example `x: [positions, d]` (see `AttentionLayer`). */
function attend(layer: Extract<Layer, { kind: 'attention' }>, x: Float32Array): Float32Array {
  const width = layer.heads * layer.headSize;
  const d = layer.query.length / width;
  const q = affine(x, layer.query, layer.queryBias, d, width);
  const k = affine(x, layer.key, layer.keyBias, d, width);
  const v = affine(x, layer.value, layer.valueBias, d, width);
  const positions = x.length / d;
  const y = new Float32Array(positions * width);
  const scores = new Float64Array(positions);
  for (let h = 0; h < layer.heads; h++) {
    const o = h * layer.headSize;
    for (let p = 0; p < positions; p++) {
      let max = -Infinity;
      for (let r = 0; r <= p; r++) {
        let s = 0;
        for (let c = 0; c < layer.headSize; c++) s += q[p * width + o + c]! * k[r * width + o + c]!;
        scores[r] = s * layer.scale;
        max = Math.max(max, scores[r]!);
      }
      let sum = 0;
      for (let r = 0; r <= p; r++) sum += scores[r] = Math.exp(scores[r]! - max);
      for (let c = 0; c < layer.headSize; c++) {
        let acc = 0;
        for (let r = 0; r <= p; r++) acc += scores[r]! * v[r * width + o + c]!;
        y[p * width + o + c] = acc / sum;
      }
    }
  }
  return y;
}

function forwardLayer(layer: Layer, inputs: Float32Array[], inShapes: number[][], layout: DataLayout): Float32Array {
  const x = inputs[0]!;
  const outSize = shapeSize(layer.outputShape);
  switch (layer.kind) {
    case 'embedding': {
      const d = layer.units;
      const y = new Float32Array(x.length * d);
      for (let p = 0; p < x.length; p++) {
        const token = x[p]!;
        if (!Number.isInteger(token) || token < 0 || token >= layer.vocabulary)
          throw new RangeError(`token id ${token} at position ${p} is outside the vocabulary of ${layer.vocabulary}`);
        for (let c = 0; c < d; c++) y[p * d + c] = layer.tokens[token * d + c]! + (layer.positions ? layer.positions[p * d + c]! : 0);
      }
      return y;
    }
    case 'layernorm': {
      const d = layer.units;
      const y = new Float32Array(x.length);
      for (let p = 0; p < x.length / d; p++) {
        let mean = 0;
        for (let c = 0; c < d; c++) mean += x[p * d + c]!;
        mean /= d;
        let variance = 0;
        for (let c = 0; c < d; c++) variance += (x[p * d + c]! - mean) ** 2;
        variance /= d;
        const inv = 1 / Math.sqrt(variance + layer.epsilon);
        for (let c = 0; c < d; c++) y[p * d + c] = (x[p * d + c]! - mean) * inv * layer.gamma[c]! + layer.beta[c]!;
      }
      return y;
    }
    case 'attention':
      return attend(layer, x);
    case 'input':
    case 'flatten':
    case 'reshape':
    case 'identity':
      return x.slice();
    case 'dense': {
      const [fanIn, fanOut] = layer.kernelShape;
      const positions = layout === 'sequence' ? x.length / fanIn : 1;
      if (x.length !== fanIn * positions || !Number.isInteger(positions))
        throw new ShapeMismatchError({ what: `input of dense '${layer.id}'`, expected: [fanIn], actual: [x.length] });
      return affine(x, layer.kernel, layer.bias, fanIn, fanOut);
    }
    case 'conv2d': {
      const src = spatial(inShapes[0]!, layout);
      const dst = spatial(layer.outputShape, layout);
      const [kh, kw, cinPer, outC] = layer.kernelShape;
      const coutPer = outC / layer.groups;
      const y = new Float32Array(outSize);
      for (let o = 0; o < outC; o++) {
        const g = Math.floor(o / coutPer);
        for (let oy = 0; oy < dst.H; oy++)
          for (let ox = 0; ox < dst.W; ox++) {
            let s = layer.bias ? layer.bias[o]! : 0;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * layer.strides[0] - layer.pads[0] + ky * layer.dilations[0];
              if (iy < 0 || iy >= src.H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * layer.strides[1] - layer.pads[1] + kx * layer.dilations[1];
                if (ix < 0 || ix >= src.W) continue;
                for (let ci = 0; ci < cinPer; ci++) {
                  s += x[src.at(g * cinPer + ci, iy, ix)]! * layer.kernel[((ky * kw + kx) * cinPer + ci) * outC + o]!;
                }
              }
            }
            y[dst.at(o, oy, ox)] = s;
          }
      }
      return y;
    }
    case 'batchnorm': {
      const ch = channelOf(layer, layout);
      const y = new Float32Array(outSize);
      for (let i = 0; i < outSize; i++) {
        const c = ch(i);
        y[i] = ((x[i]! - layer.mean[c]!) / Math.sqrt(layer.variance[c]! + layer.epsilon)) * layer.gamma[c]! + layer.beta[c]!;
      }
      return y;
    }
    case 'activation': {
      const y = new Float32Array(x.length);
      const alpha = layer.alpha ?? 0.01;
      for (let i = 0; i < x.length; i++) y[i] = activate(layer.activation, x[i]!, alpha);
      return y;
    }
    case 'pool': {
      const src = spatial(inShapes[0]!, layout);
      const y = new Float32Array(outSize);
      if (layer.global) {
        for (let c = 0; c < src.C; c++) {
          let acc = layer.mode === 'max' ? -Infinity : 0;
          for (let yy = 0; yy < src.H; yy++)
            for (let xx = 0; xx < src.W; xx++) {
              const v = x[src.at(c, yy, xx)]!;
              acc = layer.mode === 'max' ? Math.max(acc, v) : acc + v;
            }
          y[c] = layer.mode === 'max' ? acc : acc / (src.H * src.W);
        }
        return y;
      }
      const dst = spatial(layer.outputShape, layout);
      for (let c = 0; c < dst.C; c++)
        for (let oy = 0; oy < dst.H; oy++)
          for (let ox = 0; ox < dst.W; ox++) {
            let acc = layer.mode === 'max' ? -Infinity : 0;
            let n = 0;
            for (let ky = 0; ky < layer.size[0]; ky++)
              for (let kx = 0; kx < layer.size[1]; kx++) {
                const iy = oy * layer.strides[0] - layer.pads[0] + ky;
                const ix = ox * layer.strides[1] - layer.pads[1] + kx;
                const inside = iy >= 0 && iy < src.H && ix >= 0 && ix < src.W;
                if (inside) {
                  const v = x[src.at(c, iy, ix)]!;
                  acc = layer.mode === 'max' ? Math.max(acc, v) : acc + v;
                  n++;
                } else if (layer.countIncludePad) n++;
              }
            y[dst.at(c, oy, ox)] = layer.mode === 'max' ? acc : acc / n;
          }
      return y;
    }
    case 'add': {
      const y = x.slice();
      for (const other of inputs.slice(1)) for (let i = 0; i < y.length; i++) y[i]! += other[i]!;
      return y;
    }
    case 'softmax': {
      // Over the last axis: the whole example, or each position of a sequence.
      const width = layout === 'sequence' ? layer.outputShape[layer.outputShape.length - 1]! : x.length;
      const y = new Float32Array(x.length);
      for (let p = 0; p < x.length; p += width) {
        let max = -Infinity;
        for (let i = p; i < p + width; i++) max = Math.max(max, x[i]!);
        let sum = 0;
        for (let i = p; i < p + width; i++) sum += y[i] = Math.exp(x[i]! - max);
        for (let i = p; i < p + width; i++) y[i]! /= sum;
      }
      return y;
    }
  }
}

/**
 * A slow, plain-JavaScript forward pass over the network representation, for checking evaluators on tiny
 * networks. Honours edits, masks and captures exactly as the `Evaluator` contract describes.
 */
export function referenceForward(network: Network, request: EvaluateRequest): EvaluateResult {
  const per = inputSize(network);
  if (request.inputs.length !== request.count * per) {
    throw new ShapeMismatchError({ what: 'evaluator inputs', expected: [request.count, per], actual: [request.inputs.length] });
  }
  const net = request.edits?.length ? cloneNetwork(network) : network;
  for (const edit of request.edits ?? []) {
    const layer = getLayer(net, edit.layer);
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') throw new RangeError(`layer '${edit.layer}' has no weights to edit`);
    if (edit.kernel) layer.kernel = edit.kernel;
    if (edit.bias) layer.bias = edit.bias;
  }
  const masks = new Map((request.masks ?? []).map((m) => [m.layer, m.mask]));
  const outLayer = getLayer(net, net.output);
  const outputs = shapeSize(outLayer.outputShape);
  const logits = new Float32Array(request.count * outputs);
  const activations = new Map<string, Activations>();
  for (const id of request.capture ?? []) {
    const layer = getLayer(net, id);
    activations.set(id, {
      data: new Float32Array(request.count * shapeSize(layer.outputShape)),
      shape: [request.count, ...layer.outputShape],
    });
  }
  for (let n = 0; n < request.count; n++) {
    const values = new Map<string, Float32Array>();
    for (const layer of net.layers) {
      const ins = layer.kind === 'input' ? [request.inputs.subarray(n * per, (n + 1) * per)] : layer.inputs.map((id) => values.get(id)!);
      const shapes = layer.inputs.map((id) => getLayer(net, id).outputShape);
      const y = forwardLayer(layer, ins, shapes, net.layout);
      const mask = masks.get(layer.id);
      if (mask) {
        const ch = channelOf(layer, net.layout);
        for (let i = 0; i < y.length; i++) y[i]! *= mask[ch(i)]!;
      }
      values.set(layer.id, y);
      const cap = activations.get(layer.id);
      if (cap) cap.data.set(y, n * y.length);
    }
    logits.set(values.get(net.output)!, n * outputs);
    request.onProgress?.(n + 1, request.count);
  }
  return { logits, count: request.count, outputs, activations };
}

/** An `Evaluator` backed by `referenceForward`: slow, exact, dependency-free; for tests of code that takes an evaluator. */
export function referenceEvaluator(network: Network): Evaluator {
  return {
    specificationVersion: 'v1',
    name: 'reference (plain JavaScript)',
    network,
    run: async (request) => {
      checkEvaluateRequest(network, request);
      return referenceForward(network, request);
    },
    dispose: async () => {},
  };
}
