import { describe, expect, it } from 'vitest';
import * as api from './text.js';

describe('@modscope/results/text', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['resultJsonText']);
  });

  it('writes indented JSON with a final newline, and non-finite numbers as null', () => {
    const text = api.resultJsonText({ kind: 'modscope/cluster', z: Number.NaN, p: 0.5, values: [1, Number.POSITIVE_INFINITY] });
    expect(text).toBe('{\n  "kind": "modscope/cluster",\n  "z": null,\n  "p": 0.5,\n  "values": [\n    1,\n    null\n  ]\n}\n');
  });
});
