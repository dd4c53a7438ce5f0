import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, environmentFor } from './environments.js';
import { isUsageError } from './usage-error.js';

describe('environmentFor', () => {
  it('names the environments modscope ships and makes them with the command line’s settings', () => {
    expect(Object.keys(ENVIRONMENTS)).toEqual(['gathering']);
    const scarce = environmentFor('gathering', { regrowth: 0.02, beamCost: 0.5 });
    expect(scarce.name).toBe('gathering');
    expect(scarce.settings).toMatchObject({ regrowth: 0.02, beamCost: 0.5 });
    expect(environmentFor('gathering').settings).toMatchObject({ regrowth: 0.05, beamCost: 0 });
  });

  it('refuses an unknown name, listing the known ones, and a setting the environment refuses, as usage errors', () => {
    const unknown = (() => {
      try {
        return environmentFor('toString', {}, '--trusted-env');
      } catch (error) {
        return error;
      }
    })();
    expect(isUsageError(unknown)).toBe(true);
    expect((unknown as Error).message).toBe("unknown environment 'toString': modscope knows gathering. Use --trusted-env gathering.");
    const refused = (() => {
      try {
        return environmentFor('gathering', { regrowth: 2 });
      } catch (error) {
        return error;
      }
    })();
    expect(isUsageError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/regrowth must be a number in \[0, 1\], got 2/);
  });
});
