import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RESULT_KINDS } from '@modscope/results';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

// The JSON Schemas @modscope/results publishes for readers in other languages, checked with a validator
// of its own (Ajv), not with the zod schemas they were generated from.
const require = createRequire(import.meta.url);
const ajv = new Ajv2020({ allErrors: true });
const validators = new Map<string, ValidateFunction>(
  RESULT_KINDS.map(({ kind, name }) => {
    const path = require.resolve(`@modscope/results/schemas/${name}.schema.json`);
    return [kind, ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object)] as const;
  }),
);

/** Asserts that the results file at `path` validates against the published schema of its kind. */
export function expectPublishedSchemaValid(path: string): void {
  const value = JSON.parse(readFileSync(path, 'utf8')) as { kind?: unknown };
  const validate = validators.get(String(value.kind));
  expect(validate, `${path}: no published schema for kind ${String(value.kind)}`).toBeDefined();
  const valid = validate!(value);
  expect(valid ? [] : validate!.errors, path).toEqual([]);
}
