import { InvalidArgumentError } from '@modscope/core';

/** Fraction of the training set stamped when the poison spec gives none. */
export const DEFAULT_POISON_FRACTION = 0.1;

/** A backdoor: stamp `fraction` of the training set with the trigger and relabel it to `target`. */
export interface PoisonSpec {
  target: number;
  fraction: number;
}

export const POISON_EXAMPLE = '--poison trigger:target=0,fraction=0.1';

/** Reads `key=value,key=value` into numbers; every key must be one of `allowed`. */
function keyValues(text: string, argument: string, allowed: readonly string[], example: string, whole = text): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(.+)$/.exec(part);
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !allowed.includes(match[1]!) || !Number.isFinite(value)) {
      throw new InvalidArgumentError({
        argument,
        message: `cannot read '${part}' in ${argument} '${whole}'.`,
        hint: `Write ${allowed.map((k) => `${k}=NUMBER`).join(',')}, e.g. ${example}.`,
      });
    }
    out[match[1]!] = value;
  }
  return out;
}

/** Parses a backdoor spec, `trigger:target=T[,fraction=F]` (the fraction defaults to `DEFAULT_POISON_FRACTION`). */
export function parsePoison(text: string): PoisonSpec {
  const match = /^trigger:(.*)$/.exec(text.trim());
  if (!match) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `cannot read the poison spec '${text}'.`,
      hint: `Write trigger:target=CLASS[,fraction=F], e.g. ${POISON_EXAMPLE}.`,
    });
  }
  const values = keyValues(match[1]!, '--poison', ['target', 'fraction'], POISON_EXAMPLE, text);
  if (values.target === undefined) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `the poison spec '${text}' names no target class.`,
      hint: `Add target=CLASS, e.g. ${POISON_EXAMPLE}.`,
    });
  }
  const fraction = values.fraction ?? DEFAULT_POISON_FRACTION;
  if (!(fraction > 0 && fraction <= 1)) {
    throw new InvalidArgumentError({
      argument: '--poison',
      message: `poison fraction ${fraction} is outside (0, 1].`,
      hint: `Give the fraction of training examples to stamp, e.g. ${POISON_EXAMPLE}.`,
    });
  }
  return { target: values.target, fraction };
}
