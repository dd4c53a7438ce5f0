import { z } from 'zod';
import { schemaOf } from './parse-result.js';
import type { ResultKind } from './result-kinds.js';

/**
 * The JSON Schema (draft 2020-12) of a kind of result, as published in `schemas/<name>.schema.json`: what a
 * file may hold (fields it does not name are allowed). Cross-field checks (one label per unit, drawn edges
 * that name existing units, one drop per class) are `parseResult`'s alone.
 */
export function resultJsonSchema(kind: ResultKind): Record<string, unknown> {
  return z.toJSONSchema(schemaOf(kind), { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
