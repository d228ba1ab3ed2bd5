import { Client, requireObservability } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { beforeEach, describe, expect, it } from 'vitest';
import { harness, runWith, withoutJobControl } from './support/harness.js';
import { type ObservabilityStore, observabilityScenarios } from './support/observability-scenarios.js';

describe('observability through main() on the memory driver', () => {
  let store: ObservabilityStore;
  beforeEach(() => {
    const h = harness();
    store = { run: h.run, client: h.client, driver: requireObservability(h.driver, 'run the observability scenarios') };
  });
  observabilityScenarios(() => store);

  it('a driver without observability gets exit 1 for workers, metrics and enqueue --meta, and nothing is stored', async () => {
    const driver = new MemoryDriver();
    const run = runWith(withoutJobControl(driver));
    for (const argv of [['workers'], ['metrics', 'q'], ['enqueue', '--type', 't', '--meta', 'a=b']]) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/does not implement observability/);
    }
    expect(await driver.counts('default')).toMatchObject({ ready: 0 });
    expect(await new Client(driver).enqueue('t', {})).toMatchObject({ existed: false });
  });
});
