import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOnnxModel, encodeOnnxModel } from '@modscope/loader-onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

// Issue 15's broken ONNX models, end to end: each gives one line and exit 1, and inspect, evaluate and
// cluster give the same line (they all read the model through one validation).
const dir = mkdtempSync(join(tmpdir(), 'modscope-hostile-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Model = ReturnType<typeof decodeOnnxModel>;

/** fixtures/cnn-fashion.onnx with `edit` applied, written to `name`. */
function broken(name: string, edit: (model: Model) => void): string {
  const model = decodeOnnxModel(new Uint8Array(readFileSync(fixture('cnn-fashion.onnx'))));
  edit(model);
  const path = join(dir, name);
  writeFileSync(path, encodeOnnxModel(model));
  return path;
}

/** The one line each command prints for `path`; all three must print the same. */
function verdicts(path: string): string {
  const lines = [
    runCli(['inspect', path]),
    runCli(['evaluate', path, '--data', 'fashion-mnist', '--limit', '32']),
    runCli(['cluster', path, '--k', '4', '--shuffles', '0']),
  ].map((r) => {
    expect(r.code).toBe(1);
    return expectCleanFailure(r);
  });
  expect(lines[1]).toBe(lines[0]);
  expect(lines[2]).toBe(lines[0]);
  return lines[0]!;
}

const weight = (model: Model, name: string) => model.graph!.initializer.find((t) => t.name === name)!;

describe('broken ONNX models from the command line', () => {
  it('a conv weight declaring 2^31 output channels fails at once instead of spinning', () => {
    const path = broken('huge.onnx', (m) => {
      weight(m, m.graph!.initializer[0]!.name ?? '').dims[0] = 2 ** 31;
    });
    expect(verdicts(path)).toMatch(/has dims \[2147483648, .*each size must be an integer from 0 to 2147483647/);
  });

  it('a NaN weight is refused by every command, evaluate included', () => {
    const path = broken('nan.onnx', (m) => {
      const t = m.graph!.initializer.find((i) => (i.raw_data?.length ?? 0) > 16)!;
      const raw = t.raw_data!.slice();
      new DataView(raw.buffer).setFloat32(4, Number.NaN, true);
      t.raw_data = raw;
    });
    expect(verdicts(path)).toMatch(/holds NaN at index 1; modscope analyses models with finite weights only/);
  });

  it('an opset onnxruntime cannot run, a weight with no data, a duplicate initializer, a text input', () => {
    expect(verdicts(broken('opset.onnx', (m) => (m.opset_import = [{ domain: '', version: 999 }])))).toMatch(
      /uses ONNX opset 999; modscope reads opsets 7 to 22/,
    );
    const empty = broken('empty.onnx', (m) => {
      m.graph!.initializer.find((i) => (i.raw_data?.length ?? 0) > 16)!.raw_data = new Uint8Array(0);
    });
    expect(verdicts(empty)).toMatch(/but holds no data/);
    const twice = broken('twice.onnx', (m) => m.graph!.initializer.push({ ...m.graph!.initializer[0]! }));
    expect(verdicts(twice)).toMatch(/is defined twice/);
    const text = broken('text.onnx', (m) => {
      m.graph!.input[0]!.type!.tensor_type!.elem_type = 8;
    });
    expect(verdicts(text)).toMatch(/has element type STRING; modscope feeds models float32/);
  });
});
