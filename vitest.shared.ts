import { defineConfig } from 'vitest/config';

/** The test settings every package shares. */
export default defineConfig({
  test: {
    // Real-data tests (the 60k Fashion-MNIST split, onnxruntime sessions) run on 2-core CI machines with
    // another package's tests beside them; the 5 s default is a timing assumption, not a requirement.
    testTimeout: 60_000,
  },
});
