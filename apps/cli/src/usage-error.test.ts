import { InvalidArgumentError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { asUsage, isUsageError, UsageError } from './usage-error.js';

describe('asUsage', () => {
  it('returns what the parse returns', () => {
    expect(asUsage(() => 7)).toBe(7);
  });

  it('turns an invalid-argument error into a usage error with the same words, hint once', () => {
    const parse = () => {
      throw new InvalidArgumentError({ argument: '--poison', message: "cannot read 'x'.", hint: 'Write trigger:target=CLASS.' });
    };
    let caught: unknown;
    try {
      asUsage(parse);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toBe("cannot read 'x'. Write trigger:target=CLASS.");
    expect((caught as UsageError).argument).toBe('--poison');
  });

  it('lets other errors through unchanged', () => {
    const missing = new MissingFileError({ path: '/nowhere', what: 'model' });
    expect(() =>
      asUsage(() => {
        throw missing;
      }),
    ).toThrow(missing);
  });
});
