import * as tf from '@tensorflow/tfjs';

/** The geometry of one convolution, as in the representation: pads `[top, left, bottom, right]`. */
export interface ConvGeometry {
  strides: readonly [number, number];
  pads: readonly [number, number, number, number];
  dilations: readonly [number, number];
}

/** A conv2d layer's geometry and its grouping (`groups` = input channels with one input channel per group: depthwise). */
export interface ConvSpec extends ConvGeometry {
  groups: number;
}

/** A convolution of an NHWC value by an HWIO kernel `[kh, kw, cin / groups, cout]`: the forward pass's conv hook. */
export type ConvFunction = (x: tf.Tensor4D, kernel: tf.Tensor, spec: ConvSpec) => tf.Tensor4D;

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function padding(pads: ConvGeometry['pads']): 'valid' | Pad4 {
  const [t, l, b, r] = pads;
  return t + l + b + r === 0
    ? 'valid'
    : [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ];
}

function outputSize(size: number, window: number, stride: number, before: number, after: number, dilation: number): number {
  return Math.floor((size + before + after - ((window - 1) * dilation + 1)) / stride) + 1;
}

/**
 * The `kh·kw` windows of the padded input, in kernel (row-major) order: window `(i, j)` is the input
 * value every output position reads through kernel tap `(i, j)`, `[n, outH, outW, c]` (im2col, one tap
 * at a time).
 */
function windows(x: tf.Tensor4D, kh: number, kw: number, g: ConvGeometry): tf.Tensor4D[] {
  const [n, h, w, c] = x.shape;
  const [t, l, b, r] = g.pads;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const oh = outputSize(h, kh, sh, t, b, dh);
  const ow = outputSize(w, kw, sw, l, r, dw);
  const padded: tf.Tensor4D = t + l + b + r === 0 ? x : tf.pad(x, padding(g.pads) as Pad4);
  const out: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      out.push(
        sh === 1 && sw === 1
          ? tf.slice(padded, [0, i * dh, j * dw, 0], [n, oh, ow, c])
          : (tf.stridedSlice(
              padded,
              [0, i * dh, j * dw, 0],
              [n, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1, c],
              [1, sh, sw, 1],
            ) as tf.Tensor4D),
      );
    }
  }
  return out;
}

/** a·b with explicit transposes: wasm computes `matMul` with a transposed operand about ten times slower. */
function matMulTransposed(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean): tf.Tensor2D {
  return tf.matMul(transposeA ? tf.transpose(a) : a, b);
}

/**
 * The gradient of an ordinary (one group) convolution with respect to its HWIO kernel: im2col of the
 * input (`[n·outH·outW, kh·kw·cin]`) transposed times `dy` (`[n·outH·outW, cout]`). Dilations, strides
 * and asymmetric pads as in the forward pass.
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = filterShape;
    const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
    const taps = windows(x, kh, kw, g);
    const cols = tf.reshape(taps.length === 1 ? taps[0]! : tf.concat(taps, 3), [rows, kh * kw * cin]) as tf.Tensor2D;
    const dy2 = tf.reshape(dy, [rows, cout]) as tf.Tensor2D;
    // Transpose the narrower operand: (dyᵀ·cols)ᵀ when cout < kh·kw·cin.
    const grad = cout < kh * kw * cin ? tf.transpose(matMulTransposed(dy2, cols, true)) : matMulTransposed(cols, dy2, true);
    return tf.reshape(grad, [...filterShape]) as tf.Tensor4D;
  });
}

/**
 * `dy` placed where the forward pass read the input, for a stride-1 convolution with the flipped kernel:
 * zeros between the rows and columns of `dy` for strides, and the kernel's reach minus the forward pads
 * around it (cropped where the pads exceed it).
 */
function spreadForTransposedConv(dy: tf.Tensor4D, xShape: readonly number[], kh: number, kw: number, g: ConvGeometry): tf.Tensor4D {
  const [n, oh, ow, c] = dy.shape;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  let z: tf.Tensor4D = dy;
  if (sh > 1 || sw > 1) {
    const spread = tf.pad(tf.reshape(dy, [n, oh, 1, ow, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    z = tf.reshape(spread, [n, oh * sh, ow * sw, c]);
  }
  const [t, l] = g.pads;
  const [h, w] = [xShape[1]!, xShape[2]!];
  // Rows before and after z so that output row v of the stride-1 conv is input row v.
  const before = [(kh - 1) * dh - t, (kw - 1) * dw - l];
  const after = [h + t - z.shape[1], w + l - z.shape[2]];
  if (before.some((p) => p > 0) || after.some((p) => p > 0)) {
    z = tf.pad(z, [
      [0, 0],
      [Math.max(before[0]!, 0), Math.max(after[0]!, 0)],
      [Math.max(before[1]!, 0), Math.max(after[1]!, 0)],
      [0, 0],
    ]);
  }
  const needed = [h + (kh - 1) * dh, w + (kw - 1) * dw];
  const start = [Math.max(-before[0]!, 0), Math.max(-before[1]!, 0)];
  if (start[0] === 0 && start[1] === 0 && z.shape[1] === needed[0] && z.shape[2] === needed[1]) return z;
  return tf.slice(z, [0, start[0]!, start[1]!, 0], [n, needed[0]!, needed[1]!, z.shape[3]]);
}

/**
 * The gradient of an ordinary convolution with respect to its input: a stride-1 convolution (dilated as
 * the forward one) of the spread `dy` with the kernel flipped in space and its channel axes swapped.
 */
function conv2dInputGradient(xShape: readonly number[], dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const z = spreadForTransposedConv(dy, xShape, kh, kw, g);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(z, flipped, 1, 'valid', 'NHWC', [g.dilations[0], g.dilations[1]]);
  });
}

/**
 * The gradient of a depthwise convolution with respect to its kernel `[kh, kw, c, m]`: per channel, the
 * input's windows (`[c, kh·kw, rows]`) times that channel's `dy` (`[c, rows, m]`), as one batched matMul.
 */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape;
    const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
    const taps = windows(x, kh, kw, g);
    const cols = tf.reshape(taps.length === 1 ? taps[0]! : tf.concat(taps, 3), [rows, kh * kw, c]);
    const perChannel = tf.matMul(
      tf.transpose(cols, [2, 1, 0]) as tf.Tensor3D,
      tf.transpose(tf.reshape(dy, [rows, c, m]), [1, 0, 2]) as tf.Tensor3D,
    );
    return tf.reshape(tf.transpose(perChannel, [1, 0, 2]), [...filterShape]) as tf.Tensor4D;
  });
}

/**
 * The gradient of a depthwise convolution with respect to its input: a stride-1 depthwise convolution of
 * the spread `dy` (all `c·m` output channels) with the flipped kernel, summed over each channel's `m`
 * outputs.
 */
export function depthwiseInputGradient(xShape: readonly number[], dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const z = spreadForTransposedConv(dy, xShape, kh, kw, g);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const each = tf.depthwiseConv2d(z, flipped, 1, 'valid', 'NHWC', [g.dilations[0], g.dilations[1]]);
    if (m === 1) return each;
    const [n, h, w] = each.shape;
    return tf.sum(tf.reshape(each, [n, h, w, c, m]), 4) as tf.Tensor4D;
  });
}

/** The one-group convolution with tfjs's own gradient (the forward pass's default). */
function tfjsConv(x: tf.Tensor4D, kernel: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.conv2d(x, kernel, [g.strides[0], g.strides[1]], padding(g.pads), 'NHWC', [g.dilations[0], g.dilations[1]]);
}

function tfjsDepthwise(x: tf.Tensor4D, kernel: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.depthwiseConv2d(x, kernel, [g.strides[0], g.strides[1]], padding(g.pads), 'NHWC', [g.dilations[0], g.dilations[1]]);
}

function withGradients(
  value: (x: tf.Tensor4D, kernel: tf.Tensor4D, g: ConvGeometry) => tf.Tensor4D,
  inputGradient: typeof conv2dInputGradient,
  filterGradient: typeof conv2dFilterGradient,
  g: ConvGeometry,
): (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((x, kernel, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor, kernel as tf.Tensor]);
    return {
      value: value(x as tf.Tensor4D, kernel as tf.Tensor4D, g),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        const d = dy as tf.Tensor4D;
        return [inputGradient(xs.shape, d, ks, g), filterGradient(xs, d, ks.shape, g)];
      },
    };
  }) as (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D;
}

function grouped(
  x: tf.Tensor4D,
  kernel: tf.Tensor,
  spec: ConvSpec,
  conv: (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D,
  depthwise: (x: tf.Tensor4D, kernel: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const [kh, kw, cinPer, cout] = kernel.shape as [number, number, number, number];
  if (spec.groups === 1) return conv(x, kernel as tf.Tensor4D);
  if (cinPer === 1 && x.shape[3] === spec.groups) {
    return depthwise(x, tf.reshape(kernel, [kh, kw, spec.groups, cout / spec.groups]) as tf.Tensor4D);
  }
  const coutPer = cout / spec.groups;
  const parts = tf
    .split(x, spec.groups, 3)
    .map((part, g) => conv(part as tf.Tensor4D, tf.slice(kernel, [0, 0, 0, g * coutPer], [kh, kw, cinPer, coutPer]) as tf.Tensor4D));
  return tf.concat(parts, 3);
}

/**
 * A conv2d layer (ordinary, depthwise or grouped) on an NHWC value with tfjs's own ops and gradients:
 * the forward pass's default. tfjs has no gradient for dilated convolutions, and the wasm backend has
 * none for convolutions unless `registerWasmConvGradients` added them.
 */
export const convolve: ConvFunction = (x, kernel, spec) =>
  grouped(
    x,
    kernel,
    spec,
    (a, k) => tfjsConv(a, k, spec),
    (a, k) => tfjsDepthwise(a, k, spec),
  );

/**
 * The same convolution with gradients of its own, made of ops every backend has and wasm computes fast
 * (im2col and matMul for the kernel gradient, a stride-1 convolution with the flipped kernel for the
 * input gradient), on every backend, dilated convolutions included. Training passes it as the `conv2d`
 * hook of the forward pass; the value is `convolve`'s.
 */
export const convolveWithIm2colGradients: ConvFunction = (x, kernel, spec) =>
  grouped(
    x,
    kernel,
    spec,
    withGradients(tfjsConv, conv2dInputGradient, conv2dFilterGradient, spec),
    withGradients(tfjsDepthwise, depthwiseInputGradient, depthwiseFilterGradient, spec),
  );
