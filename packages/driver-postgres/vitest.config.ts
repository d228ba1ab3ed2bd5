import { defineConfig, type Plugin } from 'vitest/config';

/** Imports `.sql` files as their text, as tsup's `loader: { '.sql': 'text' }` does for the build. */
function sqlAsText(): Plugin {
  return {
    name: 'taskharbor-sql-text',
    transform(code, id) {
      if (!id.endsWith('.sql')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [sqlAsText()],
  test: {
    include: ['test/**/*.test.ts'],
    // One file at a time: the files share one PostgreSQL and a 2-core machine with the other packages' runs.
    fileParallelism: false,
    // Round trips to PostgreSQL need more than the default 5 s on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
