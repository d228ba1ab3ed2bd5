import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser file starts one Chromium for all its cases; on a busy machine that alone can take seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
