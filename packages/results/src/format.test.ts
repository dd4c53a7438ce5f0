import { describe, expect, it } from 'vitest';
import * as api from './format.js';

describe('@modscope/results/format', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AGENT_EXCISE_RESULT_KIND',
        'AGENT_EXCISE_RESULT_VERSION',
        'AGENT_LESION_RESULT_KIND',
        'AGENT_LESION_RESULT_VERSION',
        'AGENT_TRAIN_RESULT_KIND',
        'AGENT_TRAIN_RESULT_VERSION',
        'CLUSTER_RESULT_KIND',
        'CLUSTER_RESULT_VERSION',
        'COMPARE_RESULT_KIND',
        'COMPARE_RESULT_VERSION',
        'EXCISE_RESULT_KIND',
        'EXCISE_RESULT_VERSION',
        'LESION_RESULT_KIND',
        'LESION_RESULT_VERSION',
        'RESULT_KINDS',
        'TEXT_COMPARE_RESULT_KIND',
        'TEXT_COMPARE_RESULT_VERSION',
        'TEXT_EXCISE_RESULT_KIND',
        'TEXT_EXCISE_RESULT_VERSION',
        'TEXT_LESION_RESULT_KIND',
        'TEXT_LESION_RESULT_VERSION',
        'TEXT_TRAIN_RESULT_KIND',
        'TEXT_TRAIN_RESULT_VERSION',
        'TRAIN_RESULT_KIND',
        'TRAIN_RESULT_VERSION',
        'resultJsonText',
      ].sort(),
    );
  });

  it('writes indented JSON with a final newline, and non-finite numbers as null', () => {
    const text = api.resultJsonText({ kind: 'modscope/cluster', z: Number.NaN, p: 0.5, values: [1, Number.POSITIVE_INFINITY] });
    expect(text).toBe('{\n  "kind": "modscope/cluster",\n  "z": null,\n  "p": 0.5,\n  "values": [\n    1,\n    null\n  ]\n}\n');
  });
});
