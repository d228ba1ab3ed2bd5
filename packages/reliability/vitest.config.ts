import { configDefaults, defineConfig } from 'vitest/config';

/** Restarts the PostgreSQL server, ending every session on it: runs alone, after every other file. */
const POSTGRES_RESTART = 'test/faults/postgres-restart.test.ts';

export default defineConfig({
  test: {
    // Property runs and fault scenarios do many Redis and PostgreSQL round trips; generous on a busy 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, POSTGRES_RESTART],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'postgres-restart', include: [POSTGRES_RESTART], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
