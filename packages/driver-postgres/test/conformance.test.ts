import { runConformance } from '@taskharbor/testkit';
import { describe } from 'vitest';
import { PostgresDriver } from '../src/index.js';
import { SKIP_POSTGRES, usePostgresFile } from './support/postgres-env.js';

describe.skipIf(SKIP_POSTGRES)('conformance on PostgreSQL', () => {
  // Every case uses queues of its own, so one schema serves the whole file; it is dropped at the end.
  const file = usePostgresFile('conformance');

  runConformance({
    name: 'PostgresDriver',
    // Given here, so collecting the suite makes no driver before the file's beforeAll.
    families: ['jobControl', 'schedules', 'flowControl', 'observability'],
    // The drivers share the file's pool (the app's-own-pool form), so a case pays no connection set-up;
    // connect() is covered by the other test files.
    createDriver: ({ retention }) => new PostgresDriver({ pool: file.pool, schema: file.schema, retention }),
  });
});
