export { readIdx, parseIdx, type IdxArray, type IdxData, type IdxDtype } from './read-idx.js';
export { writeIdx, type WritableIdxData } from './write-idx.js';
export { readNpy, parseNpy, type NpyArray, type NpyData, type NpyDtype, type ReadNpyOptions } from './read-npy.js';
export { writeNpy, type WritableNpyData } from './write-npy.js';
export type { PathOrBytes } from './read-source.js';
export { loadIdxDataset, type LoadIdxDatasetOptions, type Split } from './load-idx-dataset.js';
export {
  loadFashionMnist,
  findFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  DEFAULT_FASHION_MNIST_DIR,
  type LoadMnistOptions,
} from './load-fashion-mnist.js';
export { loadMnist, findMnist, DEFAULT_MNIST_DIR } from './load-mnist.js';
export { loadDataset, KNOWN_DATASETS, type LoadDatasetOptions } from './load-dataset.js';
export { twoTaskDataset, type TwoTaskDataset, type TwoTaskDatasetOptions } from './two-task-dataset.js';
export { stampTrigger, type TriggerOptions, type TriggeredDataset } from './stamp-trigger.js';
