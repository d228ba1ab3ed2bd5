import { Client, requireJobControl } from '@taskharbor/core';
import { PostgresDriver } from '@taskharbor/driver-postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { cli, databaseUrl, dropSchema, postgresFlags, uniqueSchema } from './support/cli.js';
import { type ControlStore, jobControlScenarios } from './support/job-control-scenarios.js';

// Each case runs the binary a dozen times or more; give a busy machine room.
describe.skipIf(!databaseUrl)('job control through the built binary on PostgreSQL', { timeout: 120_000 }, () => {
  const schema = uniqueSchema('control');
  let driver: PostgresDriver | undefined;
  let store: ControlStore;

  beforeAll(async () => {
    driver = await PostgresDriver.connect({ connectionString: databaseUrl as string, schema });
    store = {
      run: async (...argv) => {
        const { code, stdout, stderr } = await cli([...postgresFlags(schema), ...argv]);
        return { code, stdout, stderr };
      },
      client: new Client(driver),
      driver: requireJobControl(driver, 'run the job-control scenarios'),
    };
  });

  afterAll(async () => {
    await driver?.close();
    await dropSchema(schema);
  });

  jobControlScenarios(() => store);
});
