import { describe, expect, it } from 'vitest';
import { checkEvaluateRequest } from './evaluate-request.js';
import { tinyMlp } from './testing/synthetic-networks.js';

describe('checkEvaluateRequest', () => {
  const n = tinyMlp({ sizes: [4, 5, 2] });
  const inputs = new Float32Array(8);

  it('accepts a well-formed request', () => {
    expect(() =>
      checkEvaluateRequest(n, {
        inputs,
        count: 2,
        edits: [{ layer: 'dense1', kernel: new Float32Array(20), bias: new Float32Array(5) }],
        masks: [{ layer: 'act1', mask: new Float32Array(5) }],
        capture: ['act1', 'dense2'],
      }),
    ).not.toThrow();
  });

  it('refuses each kind of bad request with a modscope error naming the problem', () => {
    const bad: Array<[Parameters<typeof checkEvaluateRequest>[1], RegExp, string]> = [
      [{ inputs, count: 3 }, /inputs of model 'tiny-mlp': expected \[3, 4\], got 8 values/, 'shape-mismatch'],
      [{ inputs, count: 1.5 }, /a whole number of examples/, 'shape-mismatch'],
      [{ inputs, count: 2, edits: [{ layer: 'act1' }] }, /'act1' is a activation layer and has no weights/, 'invalid-argument'],
      [
        { inputs, count: 2, edits: [{ layer: 'dense1', kernel: new Float32Array(3) }] },
        /edited kernel of 'dense1': expected \[4, 5\]/,
        'shape-mismatch',
      ],
      [
        { inputs, count: 2, edits: [{ layer: 'dense1', bias: new Float32Array(3) }] },
        /edited bias of 'dense1': expected \[5\], got \[3\]/,
        'shape-mismatch',
      ],
      [
        { inputs, count: 2, masks: [{ layer: 'act1', mask: new Float32Array(4) }] },
        /mask of 'act1': expected \[5\], got \[4\]/,
        'shape-mismatch',
      ],
      [{ inputs, count: 2, capture: ['nope'] }, /capture names layer 'nope'.*Use one of its layer ids: input, dense1/, 'invalid-argument'],
    ];
    for (const [request, message, code] of bad) {
      expect(() => checkEvaluateRequest(n, request)).toThrow(message);
      try {
        checkEvaluateRequest(n, request);
      } catch (e) {
        expect((e as { code: string }).code).toBe(code);
      }
    }
  });
});
