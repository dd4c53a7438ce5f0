// A helper thread of the k-means pool (kmeans-pool.ts): takes jobs and claims their runs until none is left.
import { parentPort } from 'node:worker_threads';
import { work, type PoolJob } from './kmeans-pool.js';
import { kmeansKernel } from './kmeans-wasm.js';

if (parentPort) {
  parentPort.on('message', (job: PoolJob) => {
    const kernel = kmeansKernel();
    // without the kernel this thread claims nothing, and the caller runs every run itself
    if (job.type !== 'kmeans' || !kernel) return;
    work(job, (data) => kernel.open(data, job.n, job.d, job.k));
  });
}
