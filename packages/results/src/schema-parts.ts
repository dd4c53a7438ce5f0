import { z } from 'zod';

/** A whole number ≥ `min`: counts, sizes, indices. */
export function count(min = 0) {
  return z.int().min(min, { error: (issue) => `is ${String(issue.input)}, expected an integer ≥ ${min}` });
}

/** A cluster label: 0, 1, …, or −1 for a unit left out (a node of degree 0). */
export const label = () => z.int().min(-1, { error: (issue) => `is ${String(issue.input)}, expected a cluster label ≥ −1` });

/** A number that can come out non-finite (a z of a constant null, a class without examples); written as null then. */
export const statistic = () => z.number().nullable();

/** Seconds or milliseconds per stage. */
export const timing = () => z.number().min(0);

/** The `kind` and `version` every result starts with. */
export function header<K extends string, V extends number>(kind: K, version: V) {
  return {
    kind: z.literal(kind).describe('What the file holds: the command that wrote it.'),
    version: z.literal(version).describe('Version of the format; a reader refuses versions it does not know.'),
  };
}
