import { ShapeMismatchError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { parseNpy } from './read-npy.js';
import { writeNpy } from './write-npy.js';

describe('writeNpy', () => {
  it('round-trips float32, int32 and uint8 arrays', () => {
    const arrays = [
      Float32Array.from([0.1, -2.5, 3e-8, 1e30, 0, 6]),
      Int32Array.from([-1, 2, -2147483648, 2147483647, 0, 9]),
      Uint8Array.from([0, 1, 2, 253, 254, 255]),
    ];
    for (const array of arrays) {
      for (const shape of [[6], [2, 3], [1, 2, 3, 1]]) {
        const back = parseNpy(writeNpy(array, shape));
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor).toBe(array.constructor);
        expect([...back.data]).toEqual([...array]);
      }
    }
  });

  it('writes a numpy-compatible version 1 header, data aligned to 64 bytes', () => {
    const bytes = writeNpy(Float32Array.from([1, 2, 3]), [3]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 12);
  });

  it('round-trips a subarray view and an empty array', () => {
    const view = Float32Array.from([9, 1, 2, 9]).subarray(1, 3);
    expect([...parseNpy(writeNpy(view, [2])).data]).toEqual([1, 2]);
    const empty = parseNpy(writeNpy(new Int32Array(0), [0, 3]));
    expect(empty.shape).toEqual([0, 3]);
    expect(empty.data.length).toBe(0);
  });

  it('checks the shape against the array length', () => {
    expect(() => writeNpy(new Float32Array(5), [2, 3])).toThrow(ShapeMismatchError);
    expect(() => writeNpy(new Float32Array(6), [2, -3])).toThrow(/non-negative integers/);
  });
});
