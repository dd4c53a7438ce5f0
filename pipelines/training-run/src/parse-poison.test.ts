import { describe, expect, it } from 'vitest';
import { DEFAULT_POISON_FRACTION, parsePoison } from './parse-poison.js';

describe('parsePoison', () => {
  it('reads the target and the fraction, which defaults to 0.1', () => {
    expect(parsePoison('trigger:target=3,fraction=0.25')).toEqual({ target: 3, fraction: 0.25 });
    expect(parsePoison(' trigger:target=0 ')).toEqual({ target: 0, fraction: DEFAULT_POISON_FRACTION });
    expect(DEFAULT_POISON_FRACTION).toBe(0.1);
  });

  it('rejects other specs with a hint that shows one that works', () => {
    for (const [spec, message] of [
      ['backdoor=1', /cannot read the poison spec 'backdoor=1'/],
      ['trigger:fraction=0.2', /names no target class/],
      ['trigger:target=0,fraction=1.5', /poison fraction 1\.5 is outside \(0, 1\]/],
      ['trigger:target=x', /cannot read 'target=x'/],
      ['trigger:target=1,size=2', /cannot read 'size=2'/],
    ] as const) {
      expect(() => parsePoison(spec)).toThrow(message);
      expect(() => parsePoison(spec)).toThrow(
        expect.objectContaining({ argument: '--poison', hint: expect.stringContaining('trigger:target=') }),
      );
    }
  });
});
