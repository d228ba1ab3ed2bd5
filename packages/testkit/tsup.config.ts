import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM only: the suite imports vitest, which cannot be loaded with require().
  format: ['esm'],
  external: ['vitest'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
