/** Replaced with package.json's version at build time (tsup `define`). */
declare const __TASKHARBOR_CLI_VERSION__: string | undefined;

/** The CLI's version; `0.0.0-dev` when run from source (tests). */
export const CLI_VERSION: string = typeof __TASKHARBOR_CLI_VERSION__ === 'string' ? __TASKHARBOR_CLI_VERSION__ : '0.0.0-dev';
