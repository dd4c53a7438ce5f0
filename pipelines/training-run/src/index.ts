export { runTrain, type TrainPlan, type TrainRunOptions } from './run-train.js';
export { resolveArch, DEFAULT_ARCH, type ResolvedArch } from './resolve-arch.js';
export { parsePoison, DEFAULT_POISON_FRACTION, type PoisonSpec } from './parse-poison.js';
export { poisonDatasets, triggeredTestSet, type PoisonedDatasets } from './poison-datasets.js';
export { saveCheckpoint, type Checkpoint, type SaveCheckpointOptions } from './save-checkpoint.js';
export { toChannelsFirst } from './to-channels-first.js';
