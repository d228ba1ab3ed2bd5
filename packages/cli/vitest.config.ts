import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Redis tests spawn the built binary and a worker process; give them room on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
