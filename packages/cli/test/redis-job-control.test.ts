import { Client, requireJobControl } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { cli, deletePrefix, redisUrl, uniquePrefix } from './support/cli.js';
import { type ControlStore, jobControlScenarios } from './support/job-control-scenarios.js';

// Each case runs the binary a dozen times or more; give a busy machine room.
describe.skipIf(!redisUrl)('job control through the built binary on Redis', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix('control');
  let driver: RedisDriver | undefined;
  let store: ControlStore;

  beforeAll(async () => {
    driver = await RedisDriver.connect({ url: redisUrl as string, keyPrefix: prefix });
    store = {
      run: async (...argv) => {
        const { code, stdout, stderr } = await cli(['--driver', 'redis', '--prefix', prefix, ...argv]);
        return { code, stdout, stderr };
      },
      client: new Client(driver),
      driver: requireJobControl(driver, 'run the job-control scenarios'),
    };
  });

  afterAll(async () => {
    await driver?.close();
    await deletePrefix(prefix);
  });

  jobControlScenarios(() => store);
});
