import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError, InvalidArgumentError, MissingFileError, ShapeMismatchError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { makeIdxDir } from './make-idx-dir.js';
import { loadIdxDataset } from './load-idx-dataset.js';
import { loadMnist } from './load-mnist.js';
import { writeIdx } from './write-idx.js';

describe('loadIdxDataset', () => {
  it('reads gzipped train files and raw t10k files, scaling bytes to [0, 1]', async () => {
    const dir = makeIdxDir({ count: 4, h: 2, w: 3 });
    for (const split of ['train', 'test'] as const) {
      const d = await loadIdxDataset({ dir, split, name: 'tiny' });
      expect(d).toMatchObject({ name: 'tiny', split, count: 4, inputShape: [2, 3, 1], classes: 4 });
      expect([...d.labels]).toEqual([0, 1, 2, 3]);
      expect(d.inputs[6]).toBeCloseTo(21 / 255, 7); // example 1, label 1: 1 * 20 + 1
      expect(d.inputs[23]).toBeCloseTo(63 / 255, 7);
    }
  });

  it('checks that images and labels agree in count', async () => {
    const dir = makeIdxDir({ count: 4, h: 2, w: 2 });
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), writeIdx(Uint8Array.from([1, 2, 3]), [3]));
    const error = await loadIdxDataset({ dir, split: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as Error).message).toMatch(/4 labels, one per image.*got 3 labels/);
  });

  it('checks labels against the class count', async () => {
    const dir = makeIdxDir({ labels: [0, 3, 12], h: 28, w: 28 });
    await expect(loadMnist({ dir, split: 'test' })).rejects.toThrow(CorruptFileError);
    await expect(loadMnist({ dir, split: 'test' })).rejects.toThrow(/label 2 is 12, outside \[0, 10\)/);
  });

  it('checks the image shape of a named dataset', async () => {
    const dir = makeIdxDir({ count: 2, h: 4, w: 4 });
    await expect(loadMnist({ dir })).rejects.toThrow(ShapeMismatchError);
  });

  it('names the missing file', async () => {
    const dir = makeIdxDir({ count: 2, h: 2, w: 2 });
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    const error = await loadIdxDataset({ dir, split: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as Error).message).toContain('t10k-labels-idx1-ubyte');
  });

  it('rejects a bad split or limit', async () => {
    const dir = makeIdxDir({ count: 2, h: 2, w: 2 });
    await expect(loadIdxDataset({ dir, split: 'val' as 'test' })).rejects.toThrow(InvalidArgumentError);
    await expect(loadIdxDataset({ dir, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
  });
});

describe('loadMnist', () => {
  it('loads an MNIST directory with digit class names', async () => {
    const dir = makeIdxDir({ count: 20 });
    const d = await loadMnist({ dir, split: 'train', limit: 7 });
    expect(d).toMatchObject({ name: 'mnist', split: 'train', count: 7, inputShape: [28, 28, 1], classes: 10 });
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('says how to provide MNIST when it is missing', async () => {
    await expect(loadMnist({ dir: '/nonexistent/mnist' })).rejects.toThrow(/MODSCOPE_MNIST_DIR/);
  });
});
