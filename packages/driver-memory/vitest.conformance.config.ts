import { defineConfig } from 'vitest/config';

// Only the conformance suite: the mutation run asks whether the suite alone
// catches each change to the driver.
export default defineConfig({
  test: {
    include: ['test/conformance.test.ts'],
  },
});
