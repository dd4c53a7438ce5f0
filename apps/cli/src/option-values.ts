import { InvalidArgumentError as CommanderInvalidArgument } from 'commander';

// Option values commander checks as it parses: a bad one is a usage error (exit 2) naming what was expected.

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CommanderInvalidArgument('expected a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CommanderInvalidArgument('expected a non-negative integer.');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new CommanderInvalidArgument('expected a fraction in [0, 1), e.g. 0.9.');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CommanderInvalidArgument('expected an integer.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && Number.isFinite(n))) throw new CommanderInvalidArgument('expected a number ≥ 0, e.g. 5e-5.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new CommanderInvalidArgument('expected a positive number, e.g. 0.001.');
  return n;
}

export function unitFraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new CommanderInvalidArgument('expected a fraction in [0, 1], e.g. 0.1.');
  return n;
}

export function numberList(value: string): number[] {
  const parts = value.split(',').map(Number);
  if (parts.some((n) => !Number.isFinite(n))) throw new CommanderInvalidArgument('expected numbers separated by commas.');
  return parts;
}
