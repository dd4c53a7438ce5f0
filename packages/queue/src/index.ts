export type { QueueOptions } from './connection.js';
export { createQueueExecutor, type ExecutorOptions, type Piece, type QueueExecutor, type RunOptions } from './executor.js';
export { queueStatus, type QueueStatus, type WorkerHeartbeat } from './status.js';
export type { ThreadHandlers } from './thread-pool.js';
export { type PieceContext, type PieceHandler, runWorker, type WorkerOptions } from './worker.js';
export { modelFile } from './model-file.js';
