import { Client, requireFlowControl } from '@taskharbor/core';
import { MemoryDriver } from '@taskharbor/driver-memory';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FlowStore, flowControlScenarios } from './support/flow-control-scenarios.js';
import { harness, runWith, withoutJobControl } from './support/harness.js';

describe('flow control through main() on the memory driver', () => {
  let store: FlowStore;
  beforeEach(() => {
    const h = harness();
    store = { run: h.run, client: h.client, driver: requireFlowControl(h.driver, 'run the flow-control scenarios') };
  });
  flowControlScenarios(() => store);

  it('a driver without flow control gets exit 1 for limits, group commands and a priority', async () => {
    const driver = new MemoryDriver();
    const run = runWith(withoutJobControl(driver));
    for (const argv of [['queue', 'limits'], ['group', 'pause', 'acme'], ['enqueue', '--type', 't', '--priority', '3']]) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/does not implement flow control/);
    }
    expect(await new Client(driver).enqueue('t', {})).toMatchObject({ existed: false });
  });
});
