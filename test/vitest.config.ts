import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Pipelines load models and datasets; run files one at a time on small CI machines.
    fileParallelism: false,
  },
});
