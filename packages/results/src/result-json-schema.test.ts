import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultJsonSchema } from './result-json-schema.js';
import { RESULT_KINDS } from './result-kinds.js';

describe('the published JSON Schemas', () => {
  for (const { kind, name } of RESULT_KINDS) {
    it(`schemas/${name}.schema.json is what the zod schema of ${kind} gives (else: npm run schemas -w @modscope/results)`, () => {
      const committed = JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8'));
      expect(committed).toEqual(resultJsonSchema(kind));
    });
  }

  it('names the kind and version, allows fields it does not know, and takes null where a statistic can be non-finite', () => {
    const cluster = resultJsonSchema('modscope/cluster') as {
      properties: Record<string, { const?: unknown; properties?: Record<string, unknown> }>;
      required: string[];
      additionalProperties?: unknown;
    };
    expect(cluster.properties.kind!.const).toBe('modscope/cluster');
    expect(cluster.properties.version!.const).toBe(1);
    expect(cluster.additionalProperties).toBeUndefined();
    expect(cluster.required).toEqual(expect.arrayContaining(['kind', 'version', 'labels', 'nulls']));
    expect(cluster.required).not.toContain('drawing');
    expect(JSON.stringify(cluster)).toContain('"type":["number","null"]');
  });
});
