import { describe, expect, it } from 'vitest';
import { thousands } from './output.js';

describe('thousands', () => {
  it("writes integers as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 10_000, 400_906, 1_234_567, 60_000, 10_000_000_000, -1234, -999_999])
      expect(thousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
