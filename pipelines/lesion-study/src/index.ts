export { inputsFor } from './inputs-for.js';
export { partitionFor, readPartitionFile, type PartitionSourceOptions } from './partition-source.js';
