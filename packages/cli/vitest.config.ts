import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Redis tests spawn the built binary (a dozen times in some cases) and a worker process;
    // give them room on a busy machine, where one spawn can take a few seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
