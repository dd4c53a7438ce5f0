import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@modscope/datasets', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'DEFAULT_FASHION_MNIST_DIR',
        'DEFAULT_MNIST_DIR',
        'FASHION_MNIST_CLASS_NAMES',
        'KNOWN_DATASETS',
        'findFashionMnist',
        'findMnist',
        'loadDataset',
        'loadFashionMnist',
        'loadIdxDataset',
        'loadMnist',
        'parseIdx',
        'parseNpy',
        'readIdx',
        'readNpy',
        'stampTrigger',
        'twoTaskDataset',
        'writeIdx',
        'writeNpy',
      ].sort(),
    );
  });
});
