/** A `.lua` file imported as its source text (tsup's text loader in the build, a small plugin in vitest). */
declare module '*.lua' {
  const source: string;
  export default source;
}
