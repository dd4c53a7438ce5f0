import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as testing from './testing/index.js';

describe('@modscope/queue', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(['createQueueExecutor', 'modelFile', 'queueStatus', 'runWorker'].sort());
    expect(Object.keys(testing).sort()).toEqual(['redeliver', 'startRedisServer', 'startWorker']);
  });
});
