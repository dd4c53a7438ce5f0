import type { Random } from '@modscope/core';

/** One element of `items`, drawn uniformly. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

/** `bytes` with `count` random bytes replaced by random values (a copy). */
function flipBytes(random: Random, bytes: Uint8Array, count: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count; i++) out[random.int(out.length)] = random.int(256);
  return out;
}

/** A byte-level mutation of a file: flips, a cut, appended garbage or a zeroed range; and its name. */
export function byteMutation(random: Random, bytes: Uint8Array): { name: string; bytes: Uint8Array } {
  switch (random.int(4)) {
    case 0: {
      const count = 1 + random.int(16);
      return { name: `flip ${count} bytes`, bytes: flipBytes(random, bytes, count) };
    }
    case 1: {
      const at = random.int(bytes.length);
      return { name: `cut at ${at} of ${bytes.length}`, bytes: bytes.slice(0, at) };
    }
    case 2: {
      const extra = Uint8Array.from({ length: 1 + random.int(64) }, () => random.int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes);
      out.set(extra, bytes.length);
      return { name: `append ${extra.length} bytes`, bytes: out };
    }
    default: {
      const at = random.int(bytes.length);
      const length = 1 + random.int(Math.min(256, bytes.length - at));
      const out = bytes.slice();
      out.fill(0, at, at + length);
      return { name: `zero ${length} bytes at ${at}`, bytes: out };
    }
  }
}

/** Numbers a hostile file might hold where a size, count or index belongs. */
export const HOSTILE_SIZES = [-1, 0, 1, 3, 2 ** 31, 2 ** 32 + 5, 1e15, -784] as const;

/** Option values a hostile user might type. */
export const HOSTILE_OPTION_VALUES = [
  '-1',
  '0',
  'abc',
  '',
  ' ',
  '1e7',
  'NaN',
  'Infinity',
  '1.5',
  '99999999999999999999',
  '0x10',
  ',',
  '--json',
] as const;
