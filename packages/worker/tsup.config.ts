import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The version a worker registers with (src/version.ts), read once here rather than from package.json at run time.
  define: { __TASKHARBOR_WORKER_VERSION__: JSON.stringify(version) },
});
