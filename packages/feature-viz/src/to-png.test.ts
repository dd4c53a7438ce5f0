import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { expect, it } from 'vitest';
import { toPng, writePng } from './to-png.js';

it('encodes a grayscale image scaled min..max to 0..255, upscaled by nearest neighbour', () => {
  const image = Float32Array.from({ length: 6 }, (_, i) => i * 0.2 - 0.5); // 3 wide, 2 high
  const png = decode(toPng(image, { width: 3, height: 2, scale: 4 }));
  expect([png.width, png.height, png.channels, png.depth]).toEqual([12, 8, 1, 8]);
  expect(png.data[0]).toBe(0);
  expect(png.data[11]).toBe(Math.round((0.4 / 1) * 255));
  expect(png.data[12 * 7 + 11]).toBe(255);
});

it('reads channel-first RGB images', () => {
  // 1×2 image: pixel 0 is pure red, pixel 1 pure blue (channel planes R, G, B).
  const nchw = Float32Array.from([1, 0, 0, 0, 0, 1]);
  const png = decode(toPng(nchw, { width: 2, height: 1, channels: 3, layout: 'nchw' }));
  expect(Array.from(png.data)).toEqual([255, 0, 0, 0, 0, 255]);
});

it('writes the file, and rejects sizes that do not fit the image', async () => {
  const path = join(await mkdtemp(join(tmpdir(), 'feature-viz-')), 'x.png');
  await writePng(path, new Float32Array(4), { width: 2, height: 2 });
  expect(decode(await readFile(path)).width).toBe(2);
  expect(() => toPng(new Float32Array(5), { width: 2, height: 2 })).toThrow(
    expect.objectContaining({ code: 'invalid-argument', argument: 'image' }),
  );
});

it("keeps bytes 0..255 as they are with range: 'fixed' (an environment frame's rgb), where min-max would stretch them", () => {
  const rgb = Uint8Array.from([128, 128, 128, 0, 200, 0]); // a grey and a green pixel
  expect(Array.from(decode(toPng(rgb, { width: 2, height: 1, channels: 3, range: 'fixed' })).data)).toEqual([128, 128, 128, 0, 200, 0]);
  expect(Array.from(decode(toPng(rgb, { width: 2, height: 1, channels: 3 })).data)).toEqual([163, 163, 163, 0, 255, 0]);
  expect(Array.from(decode(toPng(Float32Array.from([-3, 300.4]), { width: 2, height: 1, range: 'fixed' })).data)).toEqual([0, 255]);
  expect(() => toPng(rgb, { width: 2, height: 1, channels: 3, range: 'bytes' as 'fixed' })).toThrow(
    expect.objectContaining({ code: 'invalid-argument', argument: 'range' }),
  );
});
