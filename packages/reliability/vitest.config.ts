import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property runs and fault scenarios do many Redis round trips; generous on a busy 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
