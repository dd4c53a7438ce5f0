import { CorruptFileError } from '@modscope/core';

type Json = unknown;

/**
 * Reads the fields of one parsed results file, throwing a `CorruptFileError` that names the file and the
 * field (`subclusters[2].drop`) when one is missing or of the wrong type. Statistics that the CLI writes as
 * `null` when they are not finite (z, p, effect factor) are read with the `OrNull` variants.
 */
export class ResultReader {
  constructor(
    /** The file (or `results[i]`) the value came from. */
    readonly source: string,
    /** What it should be, e.g. `modscope lesion result (version 1)`. */
    readonly format: string,
    /** The command that writes it, for the hint. */
    readonly writer: string,
  ) {}

  fail(path: string, problem: string): never {
    throw new CorruptFileError({
      path: this.source,
      format: this.format,
      reason: path ? `${path} ${problem}` : problem,
      hint: `Write it with '${this.writer}'; the file may have been edited or truncated.`,
    });
  }

  object(value: Json, path: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `is ${describe(value)}, expected an object`);
    return value as Record<string, Json>;
  }

  array(value: Json, path: string, length?: number): Json[] {
    if (!Array.isArray(value)) this.fail(path, `is ${describe(value)}, expected an array`);
    if (length !== undefined && value.length !== length) this.fail(path, `has ${value.length} entries, expected ${length}`);
    return value;
  }

  string(value: Json, path: string): string {
    if (typeof value !== 'string') this.fail(path, `is ${describe(value)}, expected a string`);
    return value;
  }

  number(value: Json, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `is ${describe(value)}, expected a number`);
    return value;
  }

  /** A number, or null where the CLI wrote a non-finite value (read back as NaN). */
  numberOrNull(value: Json, path: string): number {
    if (value === null) return Number.NaN;
    return this.number(value, path);
  }

  integer(value: Json, path: string, min = 0): number {
    const n = this.number(value, path);
    if (!Number.isInteger(n) || n < min) this.fail(path, `is ${n}, expected an integer ≥ ${min}`);
    return n;
  }

  numbers(value: Json, path: string, length?: number): number[] {
    return this.array(value, path, length).map((v, i) => this.number(v, `${path}[${i}]`));
  }

  numbersOrNull(value: Json, path: string, length?: number): number[] {
    return this.array(value, path, length).map((v, i) => this.numberOrNull(v, `${path}[${i}]`));
  }

  optional<T>(value: Json, read: (v: Json) => T): T | undefined {
    return value === undefined ? undefined : read(value);
  }
}

function describe(value: Json): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}
