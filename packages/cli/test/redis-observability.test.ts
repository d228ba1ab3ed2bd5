import { Client, requireObservability } from '@taskharbor/core';
import { RedisDriver } from '@taskharbor/driver-redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { cli, deletePrefix, redisUrl, uniquePrefix } from './support/cli.js';
import { type ObservabilityStore, observabilityScenarios } from './support/observability-scenarios.js';

// Each case runs the binary several times; give a busy machine room.
describe.skipIf(!redisUrl)('observability commands through the built binary on Redis', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix('observability');
  let driver: RedisDriver | undefined;
  let store: ObservabilityStore;

  beforeAll(async () => {
    driver = await RedisDriver.connect({ url: redisUrl as string, keyPrefix: prefix });
    store = {
      run: async (...argv) => {
        const { code, stdout, stderr } = await cli(['--driver', 'redis', '--prefix', prefix, ...argv]);
        return { code, stdout, stderr };
      },
      client: new Client(driver),
      driver: requireObservability(driver, 'run the observability scenarios'),
    };
  });

  afterAll(async () => {
    await driver?.close();
    await deletePrefix(prefix);
  });

  observabilityScenarios(() => store);
});
