import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CorruptFileError, ShapeMismatchError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel, encodeOnnxModel } from './decode-onnx-model.js';
import { createOnnxEvaluator } from './onnx-evaluator.js';
import { onnxLoader } from './onnx-loader.js';
import { guardOnnxRuntime, onnxRuntimeMessage } from './onnxruntime-failure.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'modscope-onnxruntime-failure-'));

/** onnxruntime-node 1.30's message for opset 999, as `evaluate` printed it before (after "unexpected error: "). */
const opsetMessage =
  '/onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map<std::__cxx11::basic_string<char>, int>&, const onnxruntime::logging::Logger&, bool, const std::string&, int) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 999 is under development.\n\nmore';

describe('onnxRuntimeMessage', () => {
  it("keeps onnxruntime's first line without the C++ location and signature", () => {
    expect(onnxRuntimeMessage(new Error(opsetMessage))).toBe(
      'ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 999 is under development',
    );
    expect(
      onnxRuntimeMessage(
        new Error(
          '/onnxruntime_src/onnxruntime/core/graph/model.cc:191 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&) Missing opset in the model.',
        ),
      ),
    ).toBe('Missing opset in the model');
    expect(onnxRuntimeMessage(new Error('[ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions'))).toBe(
      'Got invalid dimensions',
    );
    expect(onnxRuntimeMessage('x'.repeat(500))).toHaveLength(240);
    expect(onnxRuntimeMessage(new Error(''))).toBe('no message');
  });
});

describe('guardOnnxRuntime', () => {
  it('turns an onnxruntime failure into one CorruptFileError line naming the model and quoting onnxruntime', async () => {
    const error = await guardOnnxRuntime('m.onnx', 'run', () => Promise.reject(new Error(opsetMessage))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^m\.onnx is not a valid ONNX file: onnxruntime rejected the model while running it \(ONNX Runtime only \*guarantees\*.*Opset 999 is under development\)\. .*onnx\.checker/,
    );
    expect(message).not.toContain('\n');
    expect(message).not.toContain('onnxruntime_src');
  });

  it("lets modscope's own errors through", async () => {
    const own = new ShapeMismatchError({ what: 'x', expected: [1], actual: [2] });
    await expect(guardOnnxRuntime('m.onnx', 'load', () => Promise.reject(own))).rejects.toBe(own);
  });
});

describe('the onnxruntime evaluator', () => {
  it('reports a model onnxruntime rejects in one line (a Gemm attribute ONNX does not define, which the importer ignores)', async () => {
    const model = decodeOnnxModel(readFileSync(join(fixtures, 'mlp-fashion.onnx')));
    model.graph!.node[0]!.attribute.push({ name: 'bogus', type: 2, i: 3 });
    const path = join(dir, 'bogus-attribute.onnx');
    writeFileSync(path, encodeOnnxModel(model));
    const loaded = await onnxLoader.load(path);
    const evaluator = await loaded.createEvaluator();
    const error = await evaluator.run({ inputs: new Float32Array(784), count: 1 }).catch((e: unknown) => e);
    await evaluator.dispose();
    expect(error).toBeInstanceOf(CorruptFileError);
    const message = (error as Error).message;
    expect(message).toContain(`${path} is not a valid ONNX file: onnxruntime rejected the model (`);
    expect(message).toMatch(/Unrecognized attribute: bogus for operator Gemm\)/);
    expect(message).not.toContain('\n');
  });

  it('wraps session creation in evaluations and in lesion sweeps', async () => {
    const evaluator = await createOnnxEvaluator(join(fixtures, 'mlp-fashion.onnx'), {
      sessionOptions: { executionProviders: ['no-such-provider'] },
    });
    const inputs = new Float32Array(784);
    const run = await evaluator.run({ inputs, count: 1 }).catch((e: unknown) => e);
    const lesions = await evaluator.runLesions!({
      inputs,
      count: 1,
      layer: evaluator.network.layers[1]!.id,
      lesions: [Int32Array.of(0)],
    }).catch((e: unknown) => e);
    await evaluator.dispose();
    for (const error of [run, lesions]) {
      expect(error).toBeInstanceOf(CorruptFileError);
      expect((error as Error).message).toMatch(
        /mlp-fashion\.onnx is not a valid ONNX file: onnxruntime rejected the model \(.*no-such-provider/,
      );
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
