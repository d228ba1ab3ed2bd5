import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// One config for both entries: two configs build in parallel, and the
// first one's `clean` can delete what the other has already written.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  // Types only for the library entry; bin.ts exports nothing.
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // esbuild keeps src/bin.ts's `#!/usr/bin/env node` line, so dist/bin.js runs as a command.
  define: { __TASKHARBOR_CLI_VERSION__: JSON.stringify(version) },
  // The command runs as ESM (package.json's bin); a CommonJS copy of it would only be dead weight in the package.
  async onSuccess() {
    await Promise.all(['dist/bin.cjs', 'dist/bin.cjs.map'].map((file) => rm(file, { force: true })));
  },
});
