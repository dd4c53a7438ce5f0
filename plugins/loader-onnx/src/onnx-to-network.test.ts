import { UnsupportedOpError, getLayer, type DenseLayer } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model.js';
import { onnxToNetwork } from './onnx-to-network.js';
import {
  asFloatData,
  expectEngineMatchesRepresentation,
  float32Tensor,
  int64Tensor,
  randomTensor,
  testModel,
  testModelBytes,
} from './test-support/onnx-graph.js';

describe('onnxToNetwork', () => {
  it('reads a torch-style MLP: Gemm with transB, alpha/beta, initializers listed as inputs, float_data', async () => {
    const bytes = testModelBytes({
      opset: 11,
      input: { name: 'x', shape: [6] },
      output: 'probs',
      initializersAsInputs: true,
      initializers: [
        randomTensor('fc1.weight', [8, 6], 1),
        asFloatData(randomTensor('fc1.bias', [8], 2)),
        randomTensor('fc2.weight', [8, 3], 3),
        randomTensor('fc2.bias', [3], 4),
      ],
      nodes: [
        { op: 'Gemm', name: '/fc1/Gemm', inputs: ['x', 'fc1.weight', 'fc1.bias'], outputs: ['h1'], attrs: { transB: 1 } },
        { op: 'Relu', inputs: ['h1'], outputs: ['a1'] },
        { op: 'Gemm', name: '/fc2/Gemm', inputs: ['a1', 'fc2.weight', 'fc2.bias'], outputs: ['logits'], attrs: { alpha: 0.5, beta: 1.5 } },
        { op: 'Softmax', name: 'softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
      ],
    });
    const { network } = await expectEngineMatchesRepresentation(bytes);
    expect(network.layout).toBe('flat');
    expect(network.layers.map((l) => `${l.kind}:${l.id}`)).toEqual([
      'input:x',
      'dense:/fc1/Gemm',
      'activation:a1',
      'dense:/fc2/Gemm',
      'softmax:softmax',
    ]);
    const fc1 = getLayer(network, '/fc1/Gemm') as DenseLayer;
    expect(fc1.kernelShape).toEqual([6, 8]);
    const w = new Float32Array(Uint8Array.from(randomTensor('w', [8, 6], 1).raw_data!).buffer);
    expect(fc1.kernel[1 * 8 + 2]).toBe(w[2 * 6 + 1]); // kernel[in=1, out=2] = W[out=2, in=1]
    expect(network.source).toEqual({ format: 'onnx', inputName: 'x', outputName: 'probs' });
  });

  it('fuses MatMul + Add into one dense layer; reads Identity and Dropout (ratio input, opset 17)', async () => {
    const bytes = testModelBytes({
      opset: 17,
      input: { name: 'x', shape: [5] },
      output: 'y',
      initializers: [
        randomTensor('w1', [5, 7], 1),
        randomTensor('b1', [7], 2),
        randomTensor('w2', [7, 4], 3),
        float32Tensor('ratio', [], Float32Array.of(0.25)),
      ],
      nodes: [
        { op: 'MatMul', name: 'mm1', inputs: ['x', 'w1'], outputs: ['p1'] },
        { op: 'Add', name: 'add1', inputs: ['b1', 'p1'], outputs: ['h1'] },
        { op: 'Tanh', name: 'tanh', inputs: ['h1'], outputs: ['t1'] },
        { op: 'Dropout', name: 'drop', inputs: ['t1', 'ratio'], outputs: ['d1'] },
        { op: 'MatMul', name: 'mm2', inputs: ['d1', 'w2'], outputs: ['p2'] },
        { op: 'Identity', name: 'id', inputs: ['p2'], outputs: ['i2'] },
        { op: 'Sigmoid', name: 'sig', inputs: ['i2'], outputs: ['y'] },
      ],
    });
    const { network } = await expectEngineMatchesRepresentation(bytes, 7, 3);
    expect(network.layers.map((l) => l.kind)).toEqual(['input', 'dense', 'activation', 'identity', 'dense', 'identity', 'activation']);
    expect((getLayer(network, 'mm1') as DenseLayer).bias).not.toBeNull();
    expect((getLayer(network, 'mm2') as DenseLayer).bias).toBeNull();
    expect(getLayer(network, 'drop')).toMatchObject({ origin: 'dropout', rate: 0.25 });
  });

  it('reads a CNN: SAME_UPPER, strides, BatchNormalization, LeakyRelu, AveragePool with count_include_pad, grouped dilated Conv + constant bias, MaxPool ceil_mode, Reshape from a Constant, fixed batch 1', async () => {
    const bytes = testModelBytes({
      opset: 11,
      input: { name: 'image', shape: [2, 10, 10], batch: 1 },
      output: 'logits',
      initializers: [
        randomTensor('c1.w', [4, 2, 3, 3], 1),
        randomTensor('c1.b', [4], 2),
        randomTensor('bn.scale', [4], 3, 0.2, 1),
        randomTensor('bn.bias', [4], 4, 0.1),
        randomTensor('bn.mean', [4], 5, 0.1),
        randomTensor('bn.var', [4], 6, 0.1, 1),
        randomTensor('c2.w', [6, 2, 3, 3], 7),
        randomTensor('c2.b', [1, 6, 1, 1], 8),
        randomTensor('fc.w', [3, 6], 9),
        randomTensor('fc.b', [3], 10),
      ],
      nodes: [
        {
          op: 'Conv',
          name: 'conv1',
          inputs: ['image', 'c1.w', 'c1.b'],
          outputs: ['c1'],
          attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2], kernel_shape: [3, 3] },
        },
        {
          op: 'BatchNormalization',
          name: 'bn',
          inputs: ['c1', 'bn.scale', 'bn.bias', 'bn.mean', 'bn.var'],
          outputs: ['n1'],
          attrs: { epsilon: 0.001 },
        },
        { op: 'LeakyRelu', name: 'lrelu', inputs: ['n1'], outputs: ['r1'], attrs: { alpha: 0.1 } },
        {
          op: 'AveragePool',
          name: 'avg',
          inputs: ['r1'],
          outputs: ['p1'],
          attrs: { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], count_include_pad: 1 },
        },
        {
          op: 'Conv',
          name: 'conv2',
          inputs: ['p1', 'c2.w'],
          outputs: ['c2raw'],
          attrs: { group: 2, dilations: [2, 2], pads: [0, 1, 2, 1] },
        },
        { op: 'Add', name: 'conv2.bias', inputs: ['c2raw', 'c2.b'], outputs: ['c2'] },
        { op: 'MaxPool', name: 'max', inputs: ['c2'], outputs: ['m2'], attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } },
        { op: 'GlobalMaxPool', name: 'gmp', inputs: ['m2'], outputs: ['g'] },
        { op: 'Constant', name: 'shape', inputs: [], outputs: ['shape'], attrs: {} },
        { op: 'Reshape', name: 'flatten', inputs: ['g', 'shape'], outputs: ['f'] },
        { op: 'Gemm', name: 'fc', inputs: ['f', 'fc.w', 'fc.b'], outputs: ['logits'], attrs: { transB: 1 } },
      ],
    });
    // The Constant node's value is a tensor attribute; set it after building.
    const model = decodeOnnxModel(bytes);
    const constant = model.graph!.node.find((n) => n.op_type === 'Constant')!;
    constant.attribute = [{ name: 'value', type: 4, t: int64Tensor('shape', [1, -1]) }];
    const { encodeOnnxModel } = await import('./decode-onnx-model.js');
    const { network } = await expectEngineMatchesRepresentation(encodeOnnxModel(model), 4);
    expect(network.layout).toBe('nchw');
    expect(network.layers.map((l) => `${l.id}[${l.outputShape}]`)).toEqual([
      'image[2,10,10]',
      'conv1[4,5,5]',
      'bn[4,5,5]',
      'lrelu[4,5,5]',
      'avg[4,5,5]',
      'conv2[6,3,3]',
      'max[6,2,2]',
      'gmp[6,1,1]',
      'flatten[6]',
      'fc[3]',
    ]);
    expect(getLayer(network, 'conv1')).toMatchObject({ pads: [0, 0, 1, 1], strides: [2, 2], kernelShape: [3, 3, 2, 4] });
    expect(getLayer(network, 'conv2')).toMatchObject({ groups: 2, dilations: [2, 2], kernelShape: [3, 3, 2, 6] });
  });

  it('reads a residual block: Add of two activations, GlobalAveragePool, Flatten, Softmax (opset 17)', async () => {
    const bytes = testModelBytes({
      opset: 17,
      input: { name: 'x', shape: [3, 5, 5] },
      output: 'p',
      initializers: [randomTensor('w1', [3, 3, 3, 3], 1, 0.3), randomTensor('w2', [3, 3, 3, 3], 2, 0.3), randomTensor('fc', [3, 2], 3)],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'Conv', inputs: ['r1', 'w2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Add', inputs: ['c2', 'r1'], outputs: ['s'] },
        { op: 'GlobalAveragePool', inputs: ['s'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
        { op: 'MatMul', inputs: ['f', 'fc'], outputs: ['l'] },
        { op: 'Softmax', inputs: ['l'], outputs: ['p'] },
      ],
    });
    const { network } = await expectEngineMatchesRepresentation(bytes);
    expect(getLayer(network, 's')).toMatchObject({ kind: 'add', inputs: ['c2', 'r1'] });
  });

  it('reads a Reshape whose shape is computed as x.view(x.size(0), -1) (Shape, Gather, Unsqueeze, Concat)', async () => {
    const bytes = testModelBytes({
      opset: 13,
      input: { name: 'x', shape: [2, 3, 3] },
      output: 'y',
      initializers: [
        randomTensor('w', [18, 4], 1),
        { ...int64Tensor('zero', [0]), dims: [] },
        int64Tensor('minus1', [-1]),
        int64Tensor('axes', [0]),
      ],
      nodes: [
        { op: 'Relu', name: 'relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Shape', inputs: ['r'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', name: 'view', inputs: ['r', 'target'], outputs: ['f'] },
        { op: 'MatMul', name: 'fc', inputs: ['f', 'w'], outputs: ['y'] },
      ],
    });
    const { network } = await expectEngineMatchesRepresentation(bytes);
    expect(network.layers.map((l) => `${l.kind}[${l.outputShape}]`)).toEqual([
      'input[2,3,3]',
      'activation[2,3,3]',
      'flatten[18]',
      'dense[4]',
    ]);
  });

  it('folds zero Pad nodes into the following Conv and AveragePool, and reads an all-zero Pad as identity', async () => {
    const bytes = testModelBytes({
      opset: 13,
      input: { name: 'x', shape: [2, 6, 6] },
      output: 'y',
      initializers: [
        randomTensor('w', [3, 2, 3, 3], 1),
        int64Tensor('p1', [0, 0, 1, 0, 0, 0, 2, 1]),
        int64Tensor('p2', [0, 0, 1, 1, 0, 0, 0, 1]),
        int64Tensor('p0', [0, 0, 0, 0, 0, 0, 0, 0]),
        float32Tensor('zero', [], Float32Array.of(0)),
        randomTensor('fc', [3, 2], 2),
      ],
      nodes: [
        { op: 'Pad', name: 'pad1', inputs: ['x', 'p1', 'zero'], outputs: ['xp'], attrs: { mode: 'constant' } },
        { op: 'Conv', name: 'conv', inputs: ['xp', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Pad', name: 'pad2', inputs: ['c', 'p2'], outputs: ['cp'] },
        { op: 'AveragePool', name: 'avg', inputs: ['cp'], outputs: ['a'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: 'Pad', name: 'pad0', inputs: ['a', 'p0'], outputs: ['a0'] },
        { op: 'GlobalAveragePool', name: 'gap', inputs: ['a0'], outputs: ['g'] },
        { op: 'Flatten', name: 'flat', inputs: ['g'], outputs: ['f'] },
        { op: 'MatMul', name: 'fc', inputs: ['f', 'fc'], outputs: ['y'] },
      ],
    });
    const { network } = await expectEngineMatchesRepresentation(bytes);
    expect(network.layers.map((l) => l.id)).toEqual(['x', 'conv', 'avg', 'pad0', 'gap', 'flat', 'fc']);
    expect(getLayer(network, 'conv')).toMatchObject({ pads: [2, 1, 3, 2] });
    expect(getLayer(network, 'avg')).toMatchObject({ pads: [1, 1, 0, 1], countIncludePad: true });
    // Edits of a conv with a folded Pad replace both nodes.
    const { createOnnxEvaluator } = await import('./onnx-evaluator.js');
    const { referenceForward } = await import('@modscope/core/testing');
    const evaluator = await createOnnxEvaluator(bytes);
    const conv = getLayer(network, 'conv');
    if (conv.kind !== 'conv2d') throw new Error('conv expected');
    const inputs = Float32Array.from({ length: 2 * 72 }, (_, i) => Math.sin(i));
    const request = {
      inputs,
      count: 2,
      edits: [{ layer: 'conv', kernel: conv.kernel.map((v) => -v) }],
      masks: [{ layer: 'avg', mask: Float32Array.of(1, 0, 1) }],
    };
    const got = await evaluator.run(request);
    await evaluator.dispose();
    const want = referenceForward(network, request).logits;
    expect(Math.max(...got.logits.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
  });

  it('names layers after nodes, then output tensors, and keeps ids unique', () => {
    const model = testModel({
      input: { name: 'x', shape: [4] },
      output: 'c',
      nodes: [
        { op: 'Relu', name: 'act', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', name: 'act', inputs: ['a'], outputs: ['b'] },
        { op: 'MatMul', inputs: ['b', 'w'], outputs: ['c'] },
      ],
      initializers: [randomTensor('w', [4, 2], 1)],
    });
    const { network } = onnxToNetwork(model);
    expect(network.layers.map((l) => [l.id, l.name])).toEqual([
      ['x', 'x'],
      ['act', 'act'],
      ['act_2', 'act'],
      ['c', 'c'],
    ]);
  });

  it('throws UnsupportedOpError naming the op and the node', () => {
    const model = testModel({
      input: { name: 'x', shape: [4] },
      output: 'y',
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'Einsum', name: 'mystery', inputs: ['a', 'a'], outputs: ['y'], attrs: { equation: 'ni,ni->ni' } },
      ],
    });
    expect(() => onnxToNetwork(model)).toThrow(UnsupportedOpError);
    try {
      onnxToNetwork(model);
    } catch (error) {
      expect(error).toMatchObject({ code: 'unsupported-op', op: 'Einsum', node: 'mystery' });
      expect(String(error)).toMatch(/Einsum.*mystery/);
    }
  });

  it('refuses an Add that broadcasts a constant anywhere but as a bias', () => {
    const model = testModel({
      input: { name: 'x', shape: [4] },
      output: 'y',
      initializers: [randomTensor('c', [4], 1)],
      nodes: [
        { op: 'Relu', name: 'r', inputs: ['x'], outputs: ['a'] },
        { op: 'Add', name: 'shift', inputs: ['a', 'c'], outputs: ['y'] },
      ],
    });
    expect(() => onnxToNetwork(model)).toThrow(/'Add' at node 'shift'.*bias/);
  });

  it('refuses unknown feature dimensions with a ShapeMismatchError', () => {
    const model = testModel({ input: { name: 'x', shape: [0] }, output: 'a', nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['a'] }] });
    expect(() => onnxToNetwork(model)).toThrow(/only the batch dimension may be dynamic/);
  });
});
