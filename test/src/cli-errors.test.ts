import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, fixture, runCli } from './run-cli.js';

/** IDX bytes: magic 0x0000 0x08 rank, big-endian dims, then data. */
function idx(dims: number[], dataBytes: number): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, Buffer.alloc(dataBytes, 7)]);
}

describe('the CLI on bad input: one line, non-zero exit, no stack trace', () => {
  it('a missing model file', () => {
    const line = expectCleanFailure(runCli(['inspect', 'no/such/model.onnx']));
    expect(line).toMatch(/not found.*no\/such\/model\.onnx/i);
  });

  it('a truncated ONNX file', () => {
    const line = expectCleanFailure(runCli(['inspect', fixture('truncated.onnx')]));
    expect(line).toMatch(/truncated\.onnx is not a valid ONNX file/);
  });

  it('a file of random bytes named .onnx', () => {
    const line = expectCleanFailure(runCli(['inspect', fixture('garbage.onnx')]));
    expect(line).toMatch(/garbage\.onnx is not a valid ONNX file/);
  });

  it('an unsupported op names the op and the node', () => {
    const line = expectCleanFailure(runCli(['inspect', fixture('unsupported-op.onnx')]));
    expect(line).toMatch(/Unsupported ONNX operation '\w+' at node '[^']+'/);
  });

  it('a model.json whose weight shard is missing names the shard', () => {
    const line = expectCleanFailure(runCli(['inspect', fixture('tfjs-missing-shard/model.json')]));
    expect(line).toMatch(/weights\.bin/);
  });

  it('a file no loader recognises', () => {
    const line = expectCleanFailure(runCli(['inspect', fixture('README.md')]));
    expect(line).toMatch(/No model loader can handle/);
  });

  it('a dataset whose inputs do not fit the model', () => {
    const line = expectCleanFailure(runCli(['evaluate', fixture('cnn-fashion.onnx'), '--data', 'two-task', '--limit', '10']));
    expect(line).toMatch(/Shape mismatch for the input of model/);
  });

  it('an IDX file whose header does not match its size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-idx-'));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([10, 28, 28], 5 * 784));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([10], 10));
    const line = expectCleanFailure(runCli(['evaluate', fixture('mlp-fashion.onnx'), '--data', dir]));
    expect(line).toMatch(/t10k-images-idx3-ubyte is not a valid IDX file/);
  });

  it('an unknown option is a usage error with exit code 2', () => {
    const r = runCli(['inspect', fixture('mlp-fashion.onnx'), '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--frobnicate'/);
  });
});
