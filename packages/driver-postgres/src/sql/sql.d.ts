/** A `.sql` file imported as its text (tsup's text loader in the build, a small plugin in vitest). */
declare module '*.sql' {
  const source: string;
  export default source;
}
