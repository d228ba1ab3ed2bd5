import { defineConfig } from 'vitest/config';

/**
 * The child run of the self-test: the conformance suite against every
 * broken driver and the unbroken memory driver, one fixture file each.
 * Not meant to pass; suite-bites.test.ts reads its JSON report.
 */
export default defineConfig({
  test: {
    include: ['test/fixtures/*.fixture.ts'],
    testTimeout: 10_000,
  },
});
