import { defineConfig, type Plugin } from 'vitest/config';

/** Imports `.lua` files as their text, as tsup's `loader: { '.lua': 'text' }` does for the build. */
function luaAsText(): Plugin {
  return {
    name: 'taskharbor-lua-text',
    transform(code, id) {
      if (!id.endsWith('.lua')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [luaAsText()],
  test: {
    include: ['test/**/*.test.ts'],
    // Redis round trips and the cluster start-up need more than the default 5 s on a busy machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
