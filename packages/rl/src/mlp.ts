import * as tf from '@tensorflow/tfjs';
import type { DenseLayer, Network } from '@modscope/core';
import { maskedCopy, type HeldMask } from './held-masks.js';

/** One dense layer's parameters in JavaScript (the master copy) and on the tfjs side (a mirror). */
interface DenseParameters {
  id: string;
  fanIn: number;
  fanOut: number;
  kernel: Float32Array;
  bias: Float32Array | null;
  kernelMask: Float32Array | null;
  biasMask: Float32Array | null;
}

/** Tensors of one forward pass that the backward pass reads: each hidden layer's output (after its ReLU) and its transpose. */
export interface ForwardCache {
  hidden: tf.Tensor2D[];
  hiddenT: tf.Tensor2D[];
}

/**
 * A plain ReLU MLP (dense, ReLU, …, dense) whose parameters live in JavaScript arrays, mirrored as tfjs tensors
 * for the matrix products. Training computes gradients by hand: the loss's gradient with respect to the
 * output comes from JavaScript, and the backward pass is one matMul per weight gradient and per input
 * gradient in the orientations the wasm backend computes fast (no transposed operand; see `gradients`).
 */
export interface Mlp {
  /** Kernels and biases in layer order (kernel, bias, kernel, bias, …): the arrays an optimizer updates in place. */
  readonly parameters: Float32Array[];
  /** Sets the held weights to zero and refreshes the tfjs mirror: after initialization and after every update. */
  sync(): void;
  /** The output (`rows × outputs`) for `rows` inputs given as a tensor. */
  output(x: tf.Tensor2D): Float32Array;
  /** The output and the cache `gradients` needs (dispose it with `disposeCache`). */
  forward(x: tf.Tensor2D): { output: Float32Array; cache: ForwardCache };
  /**
   * The gradients of a loss with respect to `parameters` (same order and shapes), given the loss's gradient with
   * respect to the output (`rows × outputs`) and the input transposed (`inputs × rows`).
   */
  gradients(cache: ForwardCache, xT: tf.Tensor2D, outputGradient: Float32Array): Float32Array[];
  /** A copy of `network` with the current parameters. */
  toNetwork(network: Network): Network;
  dispose(): void;
}

export function disposeCache(cache: ForwardCache): void {
  tf.dispose([...cache.hidden, ...cache.hiddenT]);
}

/** A copy with −0 written as +0. */
function positiveZeros(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! + 0;
  return out;
}

/**
 * Writes mᵀ of a `[rows, cols]` row-major matrix into `into` (`[cols, rows]`), in blocks of 16 rows so that
 * reads and writes both stay within a few cache lines: 0.08 ms for 1024 × 64, where the wasm backend's
 * `Transpose` took about 2 ms.
 */
export function transposeInto(m: Float32Array, rows: number, cols: number, into: Float32Array): Float32Array {
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = Math.min(rows, r0 + 16);
    for (let c = 0; c < cols; c++) {
      const o = c * rows;
      for (let r = r0; r < r1; r++) into[o + r] = m[r * cols + c]!;
    }
  }
  return into;
}

/** An `Mlp` from the dense layers of a network (from `denseChain`), with the weights `held` at zero. */
export function createMlp(layers: readonly DenseLayer[], held: readonly HeldMask[]): Mlp {
  const masks = new Map(held.map((h) => [h.layer, h]));
  const params: DenseParameters[] = layers.map((layer) => {
    const h = masks.get(layer.id);
    return {
      id: layer.id,
      fanIn: layer.kernelShape[0],
      fanOut: layer.kernelShape[1],
      kernel: maskedCopy(layer.kernel, h?.kernel ?? null),
      bias: layer.bias ? maskedCopy(layer.bias, h?.bias ?? null) : null,
      kernelMask: h?.kernel ?? null,
      biasMask: h?.bias ?? null,
    };
  });
  const parameters = params.flatMap((p) => (p.bias ? [p.kernel, p.bias] : [p.kernel]));
  let mirror: { kernel: tf.Tensor2D; bias: tf.Tensor1D | null; kernelT: tf.Tensor2D | null }[] = [];
  const release = () => tf.dispose(mirror.flatMap((m) => [m.kernel, ...(m.bias ? [m.bias] : []), ...(m.kernelT ? [m.kernelT] : [])]));
  const last = params.length - 1;
  const run = (x: tf.Tensor2D, keep: tf.Tensor2D[] | null): tf.Tensor2D => {
    let h = x;
    mirror.forEach((m, l) => {
      h = tf.fused.matMul({
        a: h,
        b: m.kernel,
        ...(m.bias ? { bias: m.bias } : {}),
        activation: l === last ? 'linear' : 'relu',
      }) as tf.Tensor2D;
      if (keep && l < last) keep.push(h);
    });
    return h;
  };
  const mlp: Mlp = {
    parameters,
    sync() {
      for (const p of params) {
        if (p.kernelMask) for (let i = 0; i < p.kernel.length; i++) if (p.kernelMask[i] === 0) p.kernel[i] = 0;
        if (p.biasMask && p.bias) for (let i = 0; i < p.bias.length; i++) if (p.biasMask[i] === 0) p.bias[i] = 0;
      }
      release();
      mirror = params.map((p, l) => ({
        kernel: tf.tensor2d(p.kernel, [p.fanIn, p.fanOut]),
        bias: p.bias ? tf.tensor1d(p.bias) : null,
        // the backward pass multiplies by Wᵀ from the second layer on
        kernelT:
          l > 0 ? tf.tensor2d(transposeInto(p.kernel, p.fanIn, p.fanOut, new Float32Array(p.kernel.length)), [p.fanOut, p.fanIn]) : null,
      }));
    },
    output(x) {
      const y = tf.tidy(() => run(x, null));
      const out = y.dataSync() as Float32Array;
      y.dispose();
      return out;
    },
    forward(x) {
      const hidden: tf.Tensor2D[] = [];
      const y = tf.tidy(() => {
        const keep: tf.Tensor2D[] = [];
        const out = run(x, keep);
        for (const h of keep) hidden.push(tf.keep(h));
        return out;
      });
      const output = y.dataSync() as Float32Array;
      y.dispose();
      // the weight gradients need each hidden output transposed: done here in JavaScript (see transposeInto)
      const hiddenT = hidden.map((h) => {
        const [rows, units] = h.shape;
        return tf.tensor2d(transposeInto(h.dataSync() as Float32Array, rows, units, new Float32Array(rows * units)), [units, rows]);
      });
      return { output, cache: { hidden, hiddenT } };
    },
    gradients(cache, xT, outputGradient) {
      const rows = xT.shape[1];
      const out: Float32Array[] = new Array(parameters.length);
      // typed arrays are written from inside the scope, never returned: tidy would walk them element by element
      tf.tidy(() => {
        let at = parameters.length;
        let dz = tf.tensor2d(outputGradient, [rows, params[last]!.fanOut]);
        const ones = tf.ones([1, rows]) as tf.Tensor2D;
        for (let l = last; l >= 0; l--) {
          const p = params[l]!;
          // dW = inputᵀ·dz with the input already transposed (a transposed matMul operand costs wasm ten times more)
          const inputT = l === 0 ? xT : cache.hiddenT[l - 1]!;
          const dKernel = tf.matMul(inputT, dz).dataSync() as Float32Array;
          if (p.bias) out[--at] = tf.matMul(ones, dz).dataSync() as Float32Array;
          out[--at] = dKernel;
          if (l > 0) dz = tf.mul(tf.matMul(dz, mirror[l]!.kernelT!), tf.step(cache.hidden[l - 1]!));
        }
      });
      return out;
    },
    toNetwork(network) {
      const byId = new Map(params.map((p) => [p.id, p]));
      return {
        ...network,
        layers: network.layers.map((layer) => {
          const p = byId.get(layer.id);
          if (!p || layer.kind !== 'dense') return { ...layer };
          return { ...layer, kernel: positiveZeros(p.kernel), bias: p.bias ? positiveZeros(p.bias) : null };
        }),
        source: network.source && { ...network.source },
      };
    },
    dispose() {
      release();
      mirror = [];
    },
  };
  mlp.sync();
  return mlp;
}
