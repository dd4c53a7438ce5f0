import { describe, expect, it } from 'vitest';
import { CorruptFileError, MissingFileError, ModscopeError, ShapeMismatchError, UnsupportedOpError } from './errors.js';

describe('errors', () => {
  it('brands every subclass so isInstance works across package copies', () => {
    const errors = [
      new UnsupportedOpError({ op: 'Einsum', node: 'n7', format: 'ONNX' }),
      new ShapeMismatchError({ what: 'input', expected: [1, 784], actual: [1, 100] }),
      new CorruptFileError({ path: 'a.onnx', format: 'ONNX', reason: 'truncated' }),
      new MissingFileError({ path: 'b.onnx' }),
    ];
    for (const e of errors) {
      expect(ModscopeError.isInstance(e)).toBe(true);
      expect(e).toBeInstanceOf(Error);
    }
    expect(ModscopeError.isInstance(new Error('x'))).toBe(false);
    expect(ModscopeError.isInstance({ code: 'missing-file' })).toBe(false);
  });

  it('carries structured fields and a message that names the problem and the fix', () => {
    const e = new UnsupportedOpError({ op: 'Einsum', node: 'n7', format: 'ONNX' });
    expect(e.code).toBe('unsupported-op');
    expect(e.op).toBe('Einsum');
    expect(e.node).toBe('n7');
    expect(e.message).toMatch(/Unsupported ONNX operation 'Einsum' at node 'n7'.*re-export/);
    const s = new ShapeMismatchError({ what: 'input', expected: [1, 784], actual: [1, 100], hint: 'Resize.' });
    expect(s.message).toBe('Shape mismatch for input: expected [1, 784], got [1, 100]. Resize.');
    expect(s.hint).toBe('Resize.');
  });
});
