/** How the fine-tuner and the never-trained model train: batch size, learning rate, progress. */
export interface FineTuneSettings {
  /** (number, default 64) — examples per batch. */
  batchSize?: number;
  /** (number, default 0.001) — Adam learning rate. */
  learningRate?: number;
  /** (function) — training steps done of the current run. */
  onProgress?: (done: number, total: number) => void;
}

/** The settings for `@modscope/train`: only those given (an explicit value is never dropped for being falsy), progress as steps. */
export function trainSettings(settings: FineTuneSettings): {
  batchSize?: number;
  learningRate?: number;
  onProgress?: (p: { step: number; steps: number }) => void;
} {
  const onProgress = settings.onProgress;
  return {
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.learningRate !== undefined ? { learningRate: settings.learningRate } : {}),
    ...(onProgress ? { onProgress: (p: { step: number; steps: number }) => onProgress(p.step, p.steps) } : {}),
  };
}
