import { InvalidArgumentError as CommanderInvalidArgument } from 'commander';

// Option values commander checks as it parses: a bad one is a usage error (exit 2) naming the allowed range.

/** Most shuffled networks per null model: p-values to 1/10,001, more than any published shuffle test uses. */
export const MAX_SHUFFLES = 10_000;
/** Most shuffle worker threads: past the cores of any workstation; each worker holds a copy of the graph. */
export const MAX_WORKERS = 64;
/** Most permutations of `compare`'s null: p-values to 1/100,001. */
export const MAX_PERMUTATIONS = 100_000;
/** Most random same-size lesions per sub-cluster: p-values to 1/10,001, as for shuffles. */
export const MAX_RANDOM_LESIONS = 10_000;
/** Most training passes and gradient steps: far past any run a 2-core machine finishes, short of a typo like 1e9. */
const MAX_EPOCHS = 10_000;
const MAX_STEPS = 1_000_000;
/** Seeds are 32-bit (`createRandom` keeps the low 32 bits): a larger one would repeat a smaller one's numbers. */
export const MAX_SEED = 2 ** 32 - 1;

/** A decimal number as a user types it (`12`, `0.9`, `5e-5`); not empty, hex, `Infinity` or `1_000`. */
function toNumber(value: string): number {
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim()) ? Number(value) : Number.NaN;
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A parser of integers in [min, max]; its message states the range. */
export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER, note = ''): (value: string) => number {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${thousands(min)} to ${thousands(max)}`;
  return (value) => {
    const n = toNumber(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new CommanderInvalidArgument(`expected ${range}${note}.`);
    return n;
  };
}

export const positiveInt = integerIn(1);
export const nonNegativeInt = integerIn(0);
export const seed = integerIn(0, MAX_SEED);
export const shuffleCount = integerIn(0, MAX_SHUFFLES, ' (0 skips the test)');
export const workerCount = integerIn(0, MAX_WORKERS, ' (0 runs the shuffles in the main thread)');
export const permutationCount = integerIn(1, MAX_PERMUTATIONS);
export const randomLesionCount = integerIn(1, MAX_RANDOM_LESIONS);
export const epochCount = integerIn(1, MAX_EPOCHS);
export const stepCount = integerIn(1, MAX_STEPS);
export const stepCountOrZero = integerIn(0, MAX_STEPS);

/** A parser of numbers in a range, `test` deciding and `range` saying it in words. */
function numberIn(test: (n: number) => boolean, range: string): (value: string) => number {
  return (value) => {
    const n = toNumber(value);
    if (!(Number.isFinite(n) && test(n))) throw new CommanderInvalidArgument(`expected ${range}.`);
    return n;
  };
}

export const fraction = numberIn((n) => n >= 0 && n < 1, 'a fraction in [0, 1), e.g. 0.9');
export const unitFraction = numberIn((n) => n >= 0 && n <= 1, 'a fraction in [0, 1], e.g. 0.1');
export const nonNegativeNumber = numberIn((n) => n >= 0, 'a number ≥ 0, e.g. 5e-5');
export const positiveNumber = numberIn((n) => n > 0, 'a positive number (> 0), e.g. 0.001');

export function numberList(value: string): number[] {
  const parts = value.split(',').map(toNumber);
  if (parts.some((n) => !Number.isFinite(n)))
    throw new CommanderInvalidArgument('expected finite numbers separated by commas, e.g. 0.5 or 0.1,0.2,0.3.');
  return parts;
}

/** `--queue`: a `redis://HOST:PORT` URL (the host and port are checked when the queue is reached). */
export function queueUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'redis:' || !url.hostname) throw new CommanderInvalidArgument('expected a redis://HOST:PORT URL.');
  return value;
}

export const concurrency = integerIn(1, MAX_WORKERS);
