import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGradient, depthwiseFilterGradient, depthwiseInputGradient, type ConvGeometry } from './conv2d-gradients.js';

type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The explicit geometry tfjs computes for a convolution's attributes (`same`, `valid`, numbers, explicit pads). */
function geometryOf(xShape: Shape4, filterShape: Shape4, attrs: ConvAttrs, depthwise: boolean): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  const p = info.padInfo;
  return {
    strides: [info.strideHeight, info.strideWidth],
    pads: [p.top, p.left, p.bottom, p.right],
    dilations: [info.dilationHeight, info.dilationWidth],
  };
}

const toNhwc = (t: tf.Tensor4D, nchw: boolean) => (nchw ? tf.transpose(t, [0, 2, 3, 1]) : t);

/**
 * A kernel made of tfjs ops: `compute` runs in a scope of its own and its result is the kernel's
 * output. Ops called from inside a kernel are not recorded for gradients, like a backend's own work.
 */
function opKernel(kernelName: string, compute: (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.Tensor): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => compute(inputs, attrs ?? {})),
  };
}

const kernels: tf.KernelConfig[] = [
  opKernel('Conv2DBackpropFilter', (inputs, attrs) => {
    const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const nchw = a.dataFormat === 'NCHW';
    const x = toNhwc(inputs.x as tf.Tensor4D, nchw);
    const dy = toNhwc(inputs.dy as tf.Tensor4D, nchw);
    return conv2dFilterGradient(x, dy, a.filterShape, geometryOf(x.shape, a.filterShape, a, false));
  }),
  opKernel('DepthwiseConv2dNativeBackpropFilter', (inputs, attrs) => {
    const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const x = inputs.x as tf.Tensor4D;
    return depthwiseFilterGradient(x, inputs.dy as tf.Tensor4D, a.filterShape, geometryOf(x.shape, a.filterShape, a, true));
  }),
  opKernel('DepthwiseConv2dNativeBackpropInput', (inputs, attrs) => {
    const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const filter = inputs.filter as tf.Tensor4D;
    return depthwiseInputGradient(a.inputShape, inputs.dy as tf.Tensor4D, filter, geometryOf(a.inputShape, filter.shape, a, true));
  }),
];

/**
 * Registers the convolution gradient kernels the wasm backend lacks (`Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`), made of ops wasm has:
 * im2col and matMul for the kernel gradients, a depthwise convolution for the input one. With them,
 * tfjs's own gradients (of `tf.conv2d`, `tf.depthwiseConv2d`, and the layers of a `tf.LayersModel`)
 * run on wasm. `selectBackend` calls it when it loads wasm; kernels wasm already has are left alone.
 * Returns the names of the kernels it registered.
 */
export function registerWasmConvGradients(): string[] {
  const added: string[] = [];
  for (const kernel of kernels) {
    if (tf.getKernel(kernel.kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel(kernel);
    added.push(kernel.kernelName);
  }
  return added;
}
