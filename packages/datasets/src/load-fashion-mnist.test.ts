import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingFileError } from '@modscope/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FASHION_MNIST_DIR, FASHION_MNIST_CLASS_NAMES, findFashionMnist, loadFashionMnist } from './load-fashion-mnist.js';

// The real files come from Debian's dataset-fashion-mnist package, which CI installs.
describe('loadFashionMnist (the real files)', () => {
  it('finds the Debian package directory', () => {
    expect(findFashionMnist()).toBe(process.env.MODSCOPE_FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST_DIR);
  });

  it('loads the test split: 10000 examples, 1000 per class, 28×28×1 in [0, 1]', async () => {
    const test = await loadFashionMnist({ split: 'test' });
    expect(test.name).toBe('fashion-mnist');
    expect(test.split).toBe('test');
    expect(test.count).toBe(10000);
    expect(test.inputShape).toEqual([28, 28, 1]);
    expect(test.inputs.length).toBe(10000 * 784);
    expect(test.classes).toBe(10);
    expect(test.classNames).toEqual([...FASHION_MNIST_CLASS_NAMES]);
    expect(test.classNames?.[0]).toBe('T-shirt/top');
    expect(test.classNames?.[9]).toBe('Ankle boot');
    const perClass = new Array<number>(10).fill(0);
    for (const l of test.labels) perClass[l]!++;
    expect(perClass).toEqual(new Array(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.inputs) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('loads the train split: 60000 examples', async () => {
    const train = await loadFashionMnist({ split: 'train' });
    expect(train.count).toBe(60000);
    expect(train.labels.length).toBe(60000);
    expect(train.inputs.length).toBe(60000 * 784);
  });

  it('honours limit, taking the first examples', async () => {
    const all = await loadFashionMnist({ split: 'test' });
    const some = await loadFashionMnist({ split: 'test', limit: 5 });
    expect(some.count).toBe(5);
    expect([...some.labels]).toEqual([...all.labels.subarray(0, 5)]);
    expect([...some.inputs]).toEqual([...all.inputs.subarray(0, 5 * 784)]);
  });
});

describe('loadFashionMnist (not installed)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('says how to install the data', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'modscope-empty-'));
    const error = await loadFashionMnist({ dir: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as Error).message).toContain('apt-get install dataset-fashion-mnist');
    expect((error as Error).message).toContain(empty);
  });

  it('prefers MODSCOPE_FASHION_MNIST_DIR when it holds the files', () => {
    vi.stubEnv('MODSCOPE_FASHION_MNIST_DIR', mkdtempSync(join(tmpdir(), 'modscope-empty-')));
    expect(findFashionMnist()).toBe(DEFAULT_FASHION_MNIST_DIR);
    vi.stubEnv('MODSCOPE_FASHION_MNIST_DIR', DEFAULT_FASHION_MNIST_DIR);
    expect(findFashionMnist()).toBe(DEFAULT_FASHION_MNIST_DIR);
  });
});
