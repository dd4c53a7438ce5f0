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
function channelOf(shape: readonly number[], layout: DataLayout): (i: number) => number {
  if (shape.length !== 3) return (i) => i;
  const { C, H, W } = spatial(shape, layout);
  return layout === 'nhwc' ? (i) => i % C : (i) => Math.floor(i / (H * W));
}

function forwardLayer(layer: Layer, inputs: Float32Array[], inShapes: number[][], layout: DataLayout): Float32Array {
  const x = inputs[0]!;
  const outSize = shapeSize(layer.outputShape);
  switch (layer.kind) {
    case 'input':
    case 'flatten':
    case 'reshape':
    case 'identity':
      return x.slice();
    case 'dense': {
      const [fanIn, fanOut] = layer.kernelShape;
      if (x.length !== fanIn) throw new ShapeMismatchError({ what: `input of dense '${layer.id}'`, expected: [fanIn], actual: [x.length] });
      const y = new Float32Array(fanOut);
      for (let j = 0; j < fanOut; j++) {
        let s = layer.bias ? layer.bias[j]! : 0;
        for (let i = 0; i < fanIn; i++) s += x[i]! * layer.kernel[i * fanOut + j]!;
        y[j] = s;
      }
      return y;
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
      const ch = channelOf(layer.outputShape, layout);
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
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        y[i] =
          layer.activation === 'relu'
            ? Math.max(0, v)
            : layer.activation === 'leaky-relu'
              ? v >= 0
                ? v
                : alpha * v
              : layer.activation === 'sigmoid'
                ? 1 / (1 + Math.exp(-v))
                : layer.activation === 'tanh'
                  ? Math.tanh(v)
                  : v;
      }
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
      let max = -Infinity;
      for (const v of x) max = Math.max(max, v);
      const y = new Float32Array(x.length);
      let sum = 0;
      for (let i = 0; i < x.length; i++) sum += y[i] = Math.exp(x[i]! - max);
      for (let i = 0; i < x.length; i++) y[i]! /= sum;
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
        const ch = channelOf(layer.outputShape, net.layout);
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
