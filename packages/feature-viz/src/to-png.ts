import { writeFile } from 'node:fs/promises';
import { encode } from 'fast-png';
import { InvalidArgumentError, type DataLayout } from '@modscope/core';

export interface PngOptions {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB) (default 1). */
  channels?: 1 | 3;
  /** Order of `image`: channel-last (`nhwc`, also for `flat`) or channel-first (`nchw`) (default `nhwc`). */
  layout?: DataLayout;
  /** Integer upscaling factor, nearest neighbour (default 1); e.g. 4 makes a 28×28 image 112×112. */
  scale?: number;
  /**
   * How values become bytes: `min-max` scales the image's own min..max to 0..255 (default); `fixed` takes
   * them as 0..255 already (rounded, clamped), as in an environment frame's `rgb`.
   */
  range?: 'min-max' | 'fixed';
}

function invalid(argument: string, message: string, hint: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `@modscope/feature-viz: ${message}`, hint });
}

/**
 * Encodes an image (e.g. `FeatureVisualization.image`) as an 8-bit grayscale or RGB PNG, scaling its
 * min..max to 0..255 over all channels (a constant image becomes black), or with `range: 'fixed'` keeping
 * values that are already 0..255.
 */
export function toPng(image: ArrayLike<number>, options: PngOptions): Uint8Array {
  const { width, height, channels = 1, layout = 'nhwc', scale = 1, range = 'min-max' } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['scale', scale],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw invalid(name, `${name} must be an integer ≥ 1, got ${value}.`, 'Pass the image size in pixels.');
  }
  if (channels !== 1 && channels !== 3)
    throw invalid('channels', `channels must be 1 or 3, got ${String(channels)}.`, 'PNGs here are grayscale or RGB.');
  if (range !== 'min-max' && range !== 'fixed')
    throw invalid('range', `range must be 'min-max' or 'fixed', got ${String(range)}.`, "Use 'fixed' for bytes 0..255.");
  if (image.length !== width * height * channels) {
    throw invalid(
      'image',
      `the image has ${image.length} values, not ${width}×${height}×${channels} = ${width * height * channels}.`,
      'Pass the width, height and channels of the image.',
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < image.length; i++) {
    min = Math.min(min, image[i]!);
    max = Math.max(max, image[i]!);
  }
  if (range === 'fixed') [min, max] = [0, 255];
  const span = max > min ? max - min : 1;
  const outWidth = width * scale;
  const data = new Uint8Array(outWidth * height * scale * channels);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < outWidth; x++) {
      const pixel = Math.floor(y / scale) * width + Math.floor(x / scale);
      for (let c = 0; c < channels; c++) {
        const source = layout === 'nchw' ? c * width * height + pixel : pixel * channels + c;
        data[(y * outWidth + x) * channels + c] = Math.min(255, Math.max(0, Math.round(((image[source]! - min) / span) * 255)));
      }
    }
  }
  return encode({ width: outWidth, height: height * scale, data, channels, depth: 8 });
}

/** Writes `toPng(image, options)` to `path`. */
export async function writePng(path: string, image: ArrayLike<number>, options: PngOptions): Promise<void> {
  await writeFile(path, toPng(image, options));
}
