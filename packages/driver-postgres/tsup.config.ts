import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The SQL statements stay .sql files in src/sql; the build inlines each one as
  // a string, so the published package carries them without a file lookup.
  loader: { '.sql': 'text' },
});
