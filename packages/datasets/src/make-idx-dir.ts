import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeIdx } from './write-idx.js';

/**
 * Test helper (not exported by the package): a temporary directory holding a tiny MNIST-like dataset,
 * `train` (gzipped) and `t10k` (raw) splits of `count` h×w images whose pixel values are `label * 20 + i`.
 */
export function makeIdxDir(options: { count?: number; h?: number; w?: number; labels?: number[] } = {}): string {
  const { count = 6, h = 28, w = 28 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'modscope-idx-dir-'));
  const labels = Uint8Array.from(options.labels ?? Array.from({ length: count }, (_, i) => i % 10));
  const images = new Uint8Array(labels.length * h * w);
  labels.forEach((l, n) => {
    images.fill((l * 20 + n) % 256, n * h * w, (n + 1) * h * w);
  });
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(writeIdx(images, [labels.length, h, w])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(writeIdx(labels, [labels.length])));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), writeIdx(images, [labels.length, h, w]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), writeIdx(labels, [labels.length]));
  return dir;
}
