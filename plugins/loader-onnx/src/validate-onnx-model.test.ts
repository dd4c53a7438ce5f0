// Hostile input (issue 15): models whose declared dims, data, types, opsets or names are wrong fail before
// anything is allocated from them, with one line naming the tensor or node, typed, and the same from the loader
// (inspect, cluster) as from the evaluator (evaluate).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CorruptFileError, InvalidArgumentError, type ModscopeError, ShapeMismatchError, UnsupportedOpError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel } from './decode-onnx-model.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';
import { onnxLoader } from './onnx-loader.js';
import { DataType, type ModelProto, type TensorProto } from './onnx-proto.js';
import { onnxToNetwork } from './onnx-to-network.js';
import { float32Tensor, int64Tensor, randomTensor, testModel } from './test-support/onnx-graph.js';
import { validateOnnxModel } from './validate-onnx-model.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'modscope-validate-onnx-'));

/** A fresh, mutable copy of a fixture: the CNN (Conv, BatchNormalization, MaxPool, Gemm) or the 784-256×4-10 MLP. */
const cnn = () => decodeOnnxModel(readFileSync(join(fixtures, 'cnn-fashion.onnx')));
const mlp = () => decodeOnnxModel(readFileSync(join(fixtures, 'clusterability/control.onnx')));

function initializer(model: ModelProto, name: string): TensorProto {
  return model.graph!.initializer.find((t) => t.name === name)!;
}

/** A float32 copy of a raw float tensor's values (the decoder's views may be unaligned). */
function floats(tensor: TensorProto): Float32Array {
  return new Float32Array(Uint8Array.from(tensor.raw_data!).buffer);
}

let cases = 0;

/**
 * Writes the model and loads it as `inspect` and `cluster` do (the loader) and as `evaluate` does (an evaluator
 * from the file): both must reject it with the same one-line error of class `type`, matching `pattern`.
 */
async function expectRejected(model: ModelProto, type: abstract new (...args: never[]) => ModscopeError, pattern: RegExp) {
  const path = join(dir, `case-${++cases}.onnx`);
  writeFileSync(path, encodeOnnxModel(model));
  const loaded = await onnxLoader.load(path).then(
    () => undefined,
    (error: unknown) => error,
  );
  const evaluated = await createOnnxEvaluator(path).then(
    async (evaluator) => {
      await evaluator.dispose();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(loaded).toBeInstanceOf(type);
  const message = (loaded as Error).message;
  expect(message).toMatch(pattern);
  if (!(loaded instanceof UnsupportedOpError)) expect(message).toContain(path); // core's message names op and node only
  expect(message).not.toContain('\n');
  expect((loaded as ModscopeError).hint).toBeTruthy();
  expect((evaluated as Error | undefined)?.message).toBe(message);
  return message;
}

describe('validateOnnxModel: declared dims against limits and the data present', () => {
  it('rejects a conv weight declaring 2^31 output channels before allocating (the CNN that hung inspect and cluster)', async () => {
    const model = cnn();
    initializer(model, 'features.0.weight').dims[0] = 2 ** 31;
    // validateOnnxModel reads dims and byte lengths only, so it cannot spin: the hang came from looping over them.
    expect(() => validateOnnxModel(model, 'cnn.onnx')).toThrow(CorruptFileError);
    await expectRejected(
      model,
      CorruptFileError,
      /initializer 'features\.0\.weight' has dims \[2147483648, 1, 3, 3\]; each size must be an integer from 0 to 2147483647/,
    );
  });

  it('rejects the same 2^31 dim on the MLP', async () => {
    const model = mlp();
    initializer(model, '0.weight').dims[0] = 2 ** 31;
    await expectRejected(model, CorruptFileError, /initializer '0\.weight' has dims \[2147483648, 784\]/);
  });

  it('rejects a negative dim (was "Invalid typed array length: -784")', async () => {
    const model = mlp();
    initializer(model, '0.weight').dims[1] = -784;
    await expectRejected(model, CorruptFileError, /initializer '0\.weight' has dims \[256, -784\]/);
  });

  it('rejects dims whose product no tensor can hold, though each fits', async () => {
    const model = mlp();
    initializer(model, '0.weight').dims = [65536, 65536];
    await expectRejected(
      model,
      CorruptFileError,
      /initializer '0\.weight' declares dims \[65536, 65536\], 4294967296 values, more than one tensor can hold/,
    );
  });

  it('rejects dims that do not match the data: a dim one too large, raw data emptied, halved, or not whole floats', async () => {
    const grown = mlp();
    initializer(grown, '2.weight').dims[0] = 257;
    await expectRejected(
      grown,
      CorruptFileError,
      /initializer '2\.weight' declares dims \[257, 256\] \(65792 FLOAT values\) but holds 65536 values/,
    );
    const emptied = mlp();
    initializer(emptied, '0.weight').raw_data = new Uint8Array(0);
    await expectRejected(
      emptied,
      CorruptFileError,
      /initializer '0\.weight' declares dims \[256, 784\] \(200704 FLOAT values\) but holds no data/,
    );
    const halved = cnn();
    const bias = initializer(halved, 'head.2.bias');
    bias.raw_data = bias.raw_data!.slice(0, 128);
    await expectRejected(
      halved,
      CorruptFileError,
      /initializer 'head\.2\.bias' declares dims \[64\] \(64 FLOAT values\) but holds 32 values/,
    );
    const ragged = mlp();
    ragged.graph!.initializer[1]!.raw_data = new Uint8Array(1022);
    await expectRejected(
      ragged,
      CorruptFileError,
      /initializer '0\.bias' holds 1022 bytes of raw data, not a whole number of 4-byte FLOAT values/,
    );
  });
});

describe('validateOnnxModel: data types', () => {
  it('rejects a double-typed weight with its data (onnxruntime said "Type parameter (T) of Optype (Gemm) bound to different types")', async () => {
    const model = mlp();
    const w = initializer(model, '0.weight');
    w.data_type = DataType.DOUBLE;
    w.raw_data = new Uint8Array(Float64Array.from(floats(w)).buffer);
    await expectRejected(
      model,
      InvalidArgumentError,
      /initializer '0\.weight', the weight B of Gemm node '\/0\/Gemm' in .*, has data type DOUBLE; modscope reads FLOAT there\. Export the model with float32 weights/,
    );
  });

  it('rejects a weight of the wrong type (was a normal inspect table, then "NaN" from cluster)', async () => {
    const model = cnn();
    initializer(model, 'features.4.weight').data_type = 8;
    await expectRejected(
      model,
      InvalidArgumentError,
      /initializer 'features\.4\.weight', the weight W of Conv node .* has data type STRING/,
    );
    const unknown = cnn();
    initializer(unknown, 'features.1.running_var').data_type = 999;
    await expectRejected(
      unknown,
      InvalidArgumentError,
      /initializer 'features\.1\.running_var', the variance of BatchNormalization node .* has data type data type 999/,
    );
  });

  it('rejects a float Reshape shape, which ONNX stores as int64', async () => {
    const model = testModel({
      input: { name: 'x', shape: [2, 3] },
      output: 'y',
      initializers: [float32Tensor('shape', [2], Float32Array.of(-1, 6)), randomTensor('w', [6, 2], 1)],
      nodes: [
        { op: 'Reshape', name: 'flat', inputs: ['x', 'shape'], outputs: ['f'] },
        { op: 'MatMul', name: 'mm', inputs: ['f', 'w'], outputs: ['y'] },
      ],
    });
    await expectRejected(
      model,
      InvalidArgumentError,
      /initializer 'shape', the shape of Reshape node 'flat' .* has data type FLOAT; modscope reads INT64 there/,
    );
  });
});

describe('validateOnnxModel: IR version and opset', () => {
  for (const [version, pattern] of [
    [999, /uses ONNX opset 999; modscope reads opsets 7 to 22/],
    [1, /uses ONNX opset 1; modscope reads opsets 7 to 22/],
    [6, /uses ONNX opset 6; modscope reads opsets 7 to 22/],
    [23, /uses ONNX opset 23; modscope reads opsets 7 to 22/],
  ] as const) {
    it(`rejects opset ${version}, naming the range`, async () => {
      const model = mlp();
      model.opset_import = [{ domain: '', version }];
      await expectRejected(model, InvalidArgumentError, pattern);
    });
  }

  it('rejects a model importing no default-domain opset (onnxruntime said "Missing opset in the model")', async () => {
    const none = mlp();
    none.opset_import = [];
    await expectRejected(
      none,
      CorruptFileError,
      /declares no opset of the default ONNX domain \(ai\.onnx\)\. Re-export the model with an opset from 7 to 22/,
    );
    const foreign = mlp();
    foreign.opset_import = [{ domain: 'com.example', version: 1 }];
    await expectRejected(foreign, CorruptFileError, /declares no opset of the default ONNX domain \(ai\.onnx\), only of 'com\.example'/);
  });

  it('rejects a missing IR version and one onnxruntime-node 1.22 cannot load', async () => {
    const missing = mlp();
    missing.ir_version = 0;
    await expectRejected(missing, CorruptFileError, /declares no IR version/);
    const future = mlp();
    future.ir_version = 11;
    await expectRejected(future, InvalidArgumentError, /uses ONNX IR version 11; modscope reads IR versions 1 to 10/);
  });

  it('reads every opset in the range', () => {
    for (const version of [7, 13, 22]) {
      const model = mlp();
      model.opset_import = [{ domain: 'ai.onnx', version }];
      expect(onnxToNetwork(model).network.layers).toHaveLength(10);
    }
  });
});

describe('validateOnnxModel: names and the graph input', () => {
  it('rejects an initializer defined twice (was accepted)', async () => {
    const model = mlp();
    model.graph!.initializer.push({ ...initializer(model, '4.bias') });
    await expectRejected(model, CorruptFileError, /initializer '4\.bias' is defined twice/);
  });

  it('rejects a tensor written by two nodes, or by a node and an initializer', async () => {
    const twice = mlp();
    twice.graph!.node[1]!.output = [...twice.graph!.node[0]!.output];
    await expectRejected(twice, CorruptFileError, /tensor '\/0\/Gemm_output_0' is written by two nodes, '\/0\/Gemm' and '\/1\/Relu'/);
    const shadow = mlp();
    shadow.graph!.node[1]!.output = ['2.weight'];
    await expectRejected(shadow, CorruptFileError, /node '\/1\/Relu' writes tensor '2\.weight', which is also an initializer/);
  });

  it('rejects a graph input of element type STRING (was accepted and evaluated)', async () => {
    const model = mlp();
    model.graph!.input[0]!.type!.tensor_type!.elem_type = 8;
    await expectRejected(
      model,
      InvalidArgumentError,
      /graph input 'input' of .* has element type STRING; modscope feeds models float32 \(FLOAT\) inputs/,
    );
  });
});

describe('validateOnnxModel: finite weights', () => {
  it('rejects a NaN weight (evaluate printed "accuracy 10.00%")', async () => {
    const model = mlp();
    const w = initializer(model, '4.weight');
    const values = floats(w);
    values[1000] = Number.NaN;
    w.raw_data = new Uint8Array(values.buffer);
    await expectRejected(
      model,
      InvalidArgumentError,
      /initializer '4\.weight', the weight B of Gemm node '\/4\/Gemm' in .*, holds NaN at index 1000; modscope analyses models with finite weights only/,
    );
  });

  it('rejects ±Infinity in a bias and in batch norm statistics', async () => {
    const bias = mlp();
    const b = initializer(bias, '8.bias');
    const values = floats(b);
    values[9] = Number.POSITIVE_INFINITY;
    b.raw_data = new Uint8Array(values.buffer);
    await expectRejected(
      bias,
      InvalidArgumentError,
      /initializer '8\.bias', the bias C of Gemm node '\/8\/Gemm' .* holds Infinity at index 9/,
    );
    const stats = cnn();
    const mean = initializer(stats, 'features.5.running_mean');
    const m = floats(mean);
    m[3] = Number.NEGATIVE_INFINITY;
    mean.raw_data = new Uint8Array(m.buffer);
    await expectRejected(
      stats,
      InvalidArgumentError,
      /initializer 'features\.5\.running_mean', the mean of BatchNormalization node .* holds -Infinity at index 3/,
    );
  });
});

describe('onnxToNetwork: shapes that do not fit', () => {
  it('says what is wrong with a conv weight of the wrong rank (was "Only 2-D convolutions are supported")', async () => {
    const model = cnn();
    initializer(model, 'features.0.weight').dims = [8, 1, 9];
    await expectRejected(
      model,
      ShapeMismatchError,
      /weight 'features\.0\.weight' of Conv node '\/features\/features\.0\/Conv' .* expected \[out channels, 1 \(input channels\), 3, 3\] for its \[N, 1, 28, 28\] input, got \[8, 1, 9\]\. A Conv of a 4-D input needs a 4-D weight, this one has rank 3/,
    );
  });

  it('says what is wrong with a conv weight whose channels do not fit its input', async () => {
    const model = cnn();
    initializer(model, 'features.4.weight').dims = [8, 16, 3, 3]; // same 1152 values as [16, 8, 3, 3]
    await expectRejected(
      model,
      ShapeMismatchError,
      /weight 'features\.4\.weight' of Conv node .* got \[8, 16, 3, 3\]\. Its second dimension must be the 8 input channels/,
    );
  });

  it('says what is wrong with a conv kernel that contradicts kernel_shape, and with a bias of the wrong length', async () => {
    const kernel = cnn();
    initializer(kernel, 'features.0.weight').dims = [8, 1, 1, 9];
    await expectRejected(kernel, ShapeMismatchError, /Its kernel 1×9 contradicts kernel_shape \[3, 3\]/);
    const bias = cnn();
    const b = initializer(bias, 'features.0.bias');
    b.dims = [4];
    b.raw_data = b.raw_data!.slice(0, 16);
    await expectRejected(bias, ShapeMismatchError, /bias 'features\.0\.bias' of Conv node .* expected \[8\], got \[4\]/);
  });

  it('says what is wrong with a Gemm weight that does not fit its input', async () => {
    const model = mlp();
    initializer(model, '2.weight').dims = [128, 512];
    await expectRejected(
      model,
      ShapeMismatchError,
      /weight '2\.weight' of Gemm node '\/2\/Gemm' .* expected \[outputs, 256\] \(transB = 1\) for its 256 input features, got \[128, 512\]/,
    );
  });

  it('says a Gemm or MatMul has no weight input (was "Only products of an activation with a weight initializer")', async () => {
    const missing = mlp();
    missing.graph!.node[2]!.input = ['/1/Relu_output_0'];
    await expectRejected(missing, CorruptFileError, /Gemm node '\/2\/Gemm' has no weight B input/);
    const empty = mlp();
    empty.graph!.node[2]!.input[1] = '';
    await expectRejected(empty, CorruptFileError, /Gemm node '\/2\/Gemm' has no weight B input/);
    const nowhere = mlp();
    nowhere.graph!.node[2]!.input[1] = 'no-such-tensor';
    await expectRejected(
      nowhere,
      CorruptFileError,
      /Gemm node '\/2\/Gemm' reads its weight B from 'no-such-tensor', which no initializer, Constant or earlier node holds/,
    );
  });

  it('says a MatMul weight computed by the graph is not a stored weight', async () => {
    const model = testModel({
      input: { name: 'x', shape: [4] },
      output: 'y',
      initializers: [randomTensor('w', [4, 4], 1)],
      nodes: [
        { op: 'MatMul', name: 'square', inputs: ['x', 'w'], outputs: ['h'] },
        { op: 'MatMul', name: 'product', inputs: ['h', 'h'], outputs: ['y'] },
      ],
    });
    await expectRejected(
      model,
      UnsupportedOpError,
      /'MatMul' at node 'product'\. Its weight B 'h' is computed by the graph; modscope reads products of an activation with a stored weight/,
    );
  });

  it('rejects windows that give empty or enormous outputs, and non-finite scales', async () => {
    const stride = cnn();
    stride.graph!.node[0]!.attribute.push({ name: 'strides', type: 7, ints: [0, 1] });
    await expectRejected(
      stride,
      CorruptFileError,
      /node '\/features\/features\.0\/Conv' has strides \[0, 1\]; it needs two integers from 1 to 2147483647/,
    );
    const pool = cnn();
    const kernel = pool.graph!.node[3]!.attribute.find((a) => a.name === 'kernel_shape')!;
    kernel.ints = [64, 64];
    await expectRejected(
      pool,
      ShapeMismatchError,
      /the output of MaxPool node '\/features\/features\.3\/MaxPool' .* expected positive sizes.*got \[8, -17, -17\]\. Its kernel, stride, dilation or padding does not fit its input \[N, 8, 28, 28\]/,
    );
    const alpha = mlp();
    alpha.graph!.node[0]!.attribute.find((a) => a.name === 'alpha')!.f = Number.POSITIVE_INFINITY; // pbf's writer drops a NaN
    await expectRejected(alpha, CorruptFileError, /node '\/0\/Gemm' has alpha = Infinity; it must be a finite number/);
  });
});

describe('validateOnnxModel: legitimate exports', () => {
  it('accepts what exporters write: initializers listed as inputs, Gemm with transB, Constant nodes, int64 shape computations, a double Dropout ratio', () => {
    const model = testModel({
      opset: 12,
      input: { name: 'x', shape: [2, 3] },
      output: 'y',
      initializersAsInputs: true,
      initializers: [
        randomTensor('fc.weight', [4, 6], 1),
        randomTensor('fc.bias', [4], 2),
        int64Tensor('zero', [0]),
        { name: 'ratio', dims: [], data_type: DataType.DOUBLE, double_data: [0.25] },
      ],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['n'], outputs: ['n1'], attrs: { axes: [0] } },
        { op: 'Constant', inputs: [], outputs: ['minus1'], attrs: {} },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', name: 'flat', inputs: ['x', 'target'], outputs: ['f'] },
        { op: 'Dropout', name: 'drop', inputs: ['f', 'ratio'], outputs: ['d'] },
        { op: 'Gemm', name: 'fc', inputs: ['d', 'fc.weight', 'fc.bias'], outputs: ['y'], attrs: { transB: 1 } },
      ],
    });
    model.graph!.node[3]!.attribute = [{ name: 'value_ints', type: 7, ints: [-1] }];
    expect(() => validateOnnxModel(model)).not.toThrow();
    const { network } = onnxToNetwork(model);
    expect(network.layers.map((l) => l.kind)).toEqual(['input', 'flatten', 'identity', 'dense']);
    expect(network.layers[2]).toMatchObject({ origin: 'dropout', rate: 0.25 });
  });
});
