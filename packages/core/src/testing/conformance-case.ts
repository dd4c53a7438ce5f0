/** One conformance check: a name and an async function that throws when the implementation fails it. */
export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length, `length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

export function checkClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  const d = maxAbsDifference(actual, expected);
  check(d <= tolerance, `${what}: max abs difference ${d} exceeds ${tolerance}`);
}

/** Expects `fn` to reject with a modscope error whose `code` is `code`. */
export async function checkRejects(fn: () => unknown, code: string, what: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  check(error !== undefined, `${what}: expected an error with code '${code}', but nothing was thrown`);
  const got = (error as { code?: unknown }).code;
  check(got === code, `${what}: expected error code '${code}', got '${String(got)}' (${String(error)})`);
}
