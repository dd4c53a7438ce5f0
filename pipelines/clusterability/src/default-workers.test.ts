import { afterEach, describe, expect, it, vi } from 'vitest';

// defaultShuffleWorkers reads the machine's parallelism; each case fakes it
async function withCores(cores: number) {
  vi.resetModules();
  vi.doMock('node:os', async (original) => ({ ...(await original<typeof import('node:os')>()), availableParallelism: () => cores }));
  return import('./shuffle-test.js');
}

describe('defaultShuffleWorkers', () => {
  afterEach(() => vi.doUnmock('node:os'));

  it('runs the shuffles in the calling thread on one or two cores', async () => {
    expect((await withCores(1)).defaultShuffleWorkers()).toBe(0);
    expect((await withCores(2)).defaultShuffleWorkers()).toBe(0);
  });

  it('starts one worker per core on more than two, never more workers than shuffles', async () => {
    const { defaultShuffleWorkers, shuffleWorkerCount } = await withCores(8);
    expect(defaultShuffleWorkers()).toBe(8);
    const spec = { module: '@modscope/partition-spectral', factory: 'createSpectralPartitioner' };
    expect(shuffleWorkerCount({ shuffles: 50, partitioner: spec })).toBe(8);
    expect(shuffleWorkerCount({ shuffles: 3, nulls: ['layer'], partitioner: spec })).toBe(3);
    expect(shuffleWorkerCount({ shuffles: 50, partitioner: spec, workers: 1 })).toBe(1);
  });
});
