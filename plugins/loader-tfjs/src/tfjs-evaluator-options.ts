import type { BackendName } from '@modscope/tfjs-runtime';

export interface TfjsEvaluatorOptions {
  /** Examples per inference call when the request gives none (default 256). */
  batchSize?: number;
  /** Backend to select before building; by default the one already selected, or the fastest available. */
  backend?: BackendName | 'auto';
}
