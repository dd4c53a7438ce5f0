import { InvalidArgumentError, MissingFileError } from '@modscope/core';
import { describe, expect, it } from 'vitest';
import { makeIdxDir } from './make-idx-dir.js';
import { KNOWN_DATASETS, loadDataset } from './load-dataset.js';
import { twoTaskDataset } from './two-task-dataset.js';

describe('loadDataset', () => {
  it('loads Fashion-MNIST by name', async () => {
    const d = await loadDataset('fashion-mnist', { split: 'test', limit: 10 });
    expect(d).toMatchObject({ name: 'fashion-mnist', split: 'test', count: 10, inputShape: [28, 28, 1], classes: 10 });
  });

  it('loads MNIST by name from a directory', async () => {
    const d = await loadDataset('mnist', { dir: makeIdxDir({ count: 12 }), split: 'train' });
    expect(d).toMatchObject({ name: 'mnist', split: 'train', count: 12 });
  });

  it('generates two-task data, the same as twoTaskDataset', async () => {
    const d = await loadDataset('two-task', { split: 'test', limit: 50, seed: 4 });
    expect(d.inputs).toEqual(twoTaskDataset({ split: 'test', count: 50, seed: 4 }).inputs);
    expect((await loadDataset('two-task')).count).toBe(2000);
  });

  it('loads a directory of IDX files', async () => {
    const dir = makeIdxDir({ count: 5, h: 3, w: 3 });
    const d = await loadDataset(dir, { split: 'test' });
    expect(d).toMatchObject({ count: 5, inputShape: [3, 3, 1], classes: 5 });
  });

  it('lists the known names for an unknown one', async () => {
    const error = await loadDataset('cifar-10').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    for (const name of KNOWN_DATASETS) expect((error as Error).message).toContain(name);
    await expect(loadDataset('./no/such/dir')).rejects.toThrow(MissingFileError);
    await expect(loadDataset('two-task', { limit: -3 })).rejects.toThrow(/limit/);
  });
});
