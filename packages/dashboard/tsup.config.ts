import { copyFile } from 'node:fs/promises';
import { build, defineConfig } from 'tsup';

// The server build, then (in onSuccess, so its `clean` cannot race it) the
// browser bundle: Preact and htm bundled and minified into dist/ui/app.js,
// with the stylesheet beside it. The package ships both prebuilt.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS build, where the server finds dist/ui.
  shims: true,
  async onSuccess() {
    await build({
      config: false,
      entry: { app: 'src/ui/main.ts' },
      outDir: 'dist/ui',
      format: ['esm'],
      platform: 'browser',
      target: 'es2020',
      minify: true,
      sourcemap: false,
      dts: false,
      clean: false,
      splitting: false,
      noExternal: [/.*/],
      silent: true,
    });
    await copyFile('src/ui/app.css', 'dist/ui/app.css');
  },
});
