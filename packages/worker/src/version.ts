// Replaced at build time with package.json's version (tsup.config.ts and vitest.config.ts define it).
declare const __TASKHARBOR_WORKER_VERSION__: string | undefined;

/** The @taskharbor/worker version a worker registers with. */
export const WORKER_VERSION: string = typeof __TASKHARBOR_WORKER_VERSION__ === 'string' ? __TASKHARBOR_WORKER_VERSION__ : '0.0.0-dev';
