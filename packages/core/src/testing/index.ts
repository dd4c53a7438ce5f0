export * from './conformance-case.js';
export * from './reference-forward.js';
export * from './synthetic-networks.js';
export * from './planted-partition.js';
export * from './evaluator-conformance.js';
export * from './loader-conformance.js';
export * from './partitioner-conformance.js';
export * from './metric-conformance.js';
